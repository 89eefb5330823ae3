// ./test.sh's own behaviour (no scenario is run): --help succeeds, a selection that matches no
// scenario fails with a message instead of running 0 scenarios successfully.
import { it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { packageRoot } from '../src/native';

const TEST_SH = path.join(packageRoot(), 'test.sh');

it('./test.sh --help prints the usage and exits 0', () => {
  const r = spawnSync(TEST_SH, ['--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^usage: \.\/test\.sh /);
});

it('./test.sh with a selection that matches no scenario exits 1 with a message', () => {
  for (const sel of ['9.9', '9.*']) {
    const r = spawnSync(TEST_SH, [sel], { encoding: 'utf8' });
    assert.equal(r.status, 1, `${sel}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, new RegExp(`no scenario matches '${sel.replace('.', '\\.').replace('*', '\\*')}'`));
  }
});
