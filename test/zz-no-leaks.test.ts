// Runs last (file name sorts last): nothing this run's tests created may remain in /dev/shm or
// /tmp/zerobuffer. Names are `zbtest-<runner pid>-…`; other processes' entries are never touched.
import { it } from 'node:test';
import * as assert from 'node:assert/strict';
import { leftoversWithPrefix, RUN_PREFIX } from './helpers';

it(`no /dev/shm or /tmp/zerobuffer entry with prefix ${RUN_PREFIX} remains`, () => {
  assert.deepEqual(leftoversWithPrefix(RUN_PREFIX), []);
});
