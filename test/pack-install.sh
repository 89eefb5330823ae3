#!/usr/bin/env bash
# Proof that the published package installs and runs on a machine without a compiler
# (`npm run check:package`): packs the package (prepack builds the prebuilt binary), installs the
# tarball into an empty project with PATH reduced to node and npm (no g++, cc, make or cmake),
# checks that the prebuilt binary was used, and runs a cross-process read/write with the installed
# `zerobuffer` CLI plus a require() of the library. Needs the npm registry for the dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d /tmp/zb-pack-XXXXXX)
trap 'rm -rf "$work"' EXIT

tarball="$work/$(npm pack --pack-destination "$work" 2>/dev/null | tail -n1)"
echo "== $tarball"
tar -tzf "$tarball" | sed 's|^package/||' | sort
# The shipped binary is the real addon: every object compiled with a mutant embeds this tag
# (native/core/mutant.hpp; mutants are test-only builds, docs/model-testing.md).
tar -xzOf "$tarball" --wildcards 'package/prebuilds/*.node' > "$work/prebuilt.node"
if grep -aq 'zerobuffer-mutant:' "$work/prebuilt.node"; then echo "the prebuilt binary was compiled with a mutant" >&2; exit 1; fi
echo "== the prebuilt binary carries no mutant"

mkdir "$work/bin" "$work/app"
ln -s "$(command -v node)" "$work/bin/node"
ln -s "$(command -v npm)" "$work/bin/npm"
cd "$work/app"
env -i HOME="$HOME" PATH="$work/bin" TARBALL="$tarball" /bin/bash -euo pipefail -c '
  for tool in g++ gcc cc c++ make cmake; do
    if command -v "$tool" >/dev/null; then echo "$tool is reachable: not a compiler-free PATH" >&2; exit 1; fi
  done
  echo "== PATH=$PATH"
  npm init -y >/dev/null
  # npm runs lifecycle scripts with `sh`: name it, so that PATH can stay node and npm only.
  npm install --no-audit --no-fund --script-shell /bin/sh "$TARBALL"
  if [ -e node_modules/zerobuffer-ts/build ]; then echo "the addon was compiled instead of using the prebuilt binary" >&2; exit 1; fi
  echo node_modules/zerobuffer-ts/prebuilds/*/*
  name="zbpack-$$"
  node_modules/.bin/zerobuffer read "$name" --frames 2000 --size 4096 --verify sequential --json > read.json &
  reader=$!
  for _ in {1..100}; do [ -e "/dev/shm/$name" ] && break; read -rt 0.1 <> <(:) || true; done
  node_modules/.bin/zerobuffer write "$name" --frames 2000 --size 4096 --pattern sequential --json
  wait "$reader"
  echo "$(<read.json)"
  node -e "
    const zb = require(\"zerobuffer-ts\");
    const r = zb.Reader.createSync(\"$name-lib\", { payloadSize: 4096 });
    const w = zb.Writer.connectSync(\"$name-lib\");
    w.writeSync(Buffer.from(\"hello\"));
    const f = r.readSync(1000);
    console.log(\"library:\", Buffer.from(f.data).toString(), \"protocol\", zb.diagnostics.protocolVersion());
    f.release(); w.close(); r.close();
  "
  echo "== OK: installed and ran without a compiler"
'
