// cucumber loads a snippet syntax with import(), which cannot load TypeScript: this shim
// registers the same transpiler as cucumber.cjs (requireModule) and loads the class.
require('ts-node/register/transpile-only');
module.exports = require('./snippet-syntax.ts').default;
