// cucumber loads formatter plugins with import(), which cannot load TypeScript: this shim
// registers the same transpiler as cucumber.cjs (requireModule) and loads the plugin.
require('ts-node/register/transpile-only');
module.exports = require('./junit-formatter.ts').default;
