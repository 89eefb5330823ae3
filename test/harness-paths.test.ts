// Where a run's reports and logs go (harness/paths.ts): reports/ by default, ZEROBUFFER_REPORTS_DIR
// for a run that must leave the suite's reports alone (model:check), ZEROBUFFER_LOG_DIR for logs only.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { logsRoot, repoRoot, reportsDir } from '../harness/paths';

test('reports and logs default to reports/ in the package', () => {
  assert.equal(reportsDir({}), path.join(repoRoot(), 'reports'));
  assert.equal(logsRoot({}), path.join(repoRoot(), 'reports', 'logs'));
});

test('ZEROBUFFER_REPORTS_DIR moves the reports and the logs under them, as an absolute path', () => {
  assert.equal(reportsDir({ ZEROBUFFER_REPORTS_DIR: '/tmp/zb-r' }), '/tmp/zb-r');
  assert.equal(logsRoot({ ZEROBUFFER_REPORTS_DIR: '/tmp/zb-r' }), '/tmp/zb-r/logs');
  assert.equal(reportsDir({ ZEROBUFFER_REPORTS_DIR: 'rel/dir' }), path.resolve('rel/dir'));
  assert.equal(reportsDir({ ZEROBUFFER_REPORTS_DIR: '' }), path.join(repoRoot(), 'reports'));
});

test('ZEROBUFFER_LOG_DIR moves the logs only', () => {
  const env = { ZEROBUFFER_REPORTS_DIR: '/tmp/zb-r', ZEROBUFFER_LOG_DIR: '/tmp/zb-l' };
  assert.equal(logsRoot(env), '/tmp/zb-l');
  assert.equal(reportsDir(env), '/tmp/zb-r');
});
