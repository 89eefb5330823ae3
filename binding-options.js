// How the native addon is named and looked up (pkg-prebuilds): build/Release/zerobuffer.node from a
// local build, else prebuilds/zerobuffer-<platform>-<arch>/node-napi-v8.node shipped in the package.
// Read by the `install` script (pkg-prebuilds-verify) and by src/native.ts.
module.exports = { name: 'zerobuffer', napi_versions: [8] };
