// Feature 05 — a corrupted control block (scenario 5.1): the host corrupts an OIEB field by name
// (C01) and a second writer's connect is rejected by the protocol's connection checks (C02).
import { IncompatibleVersionError, InvalidOiebError } from '../../src/index';
import { defineStep } from '../../harness/registry';
import { expectEqual, expectErrorClassCode, expectTrue, fail } from '../../harness/assert';
import { corruptOiebField } from '../../harness/diagnostics/corrupt';
import { snapFromShm } from '../../harness/diagnostics/snap';
import { checkAttachedProcessesRunning } from './survival';

/** The OIEB size every v1 segment records (protocol.md §3.2). */
const V1_OIEB_SIZE = 128;
/** The protocol major version this library speaks. */
const V1_MAJOR = 1;

defineStep({
  id: 'C01',
  keyword: 'When',
  pattern: "the test corrupts OIEB field '{text}' to wrong value",
  runsIn: 'host',
  summary:
    'Through the diagnostic interface write the field\'s wrong value into the scenario buffer (operation_size/oieb_size u32 at 0x00 := 256; version major byte at 0x04 := 2; metadata_size, payload_size := stored + 1; any other name fails) and read it back: must equal the written value.',
  host: (hctx, field: string) => {
    const base = hctx.scenarioBuffer();
    if (base === undefined) fail('the scenario names no buffer to corrupt');
    const c = corruptOiebField(hctx.naming.resolve(base), field);
    hctx.logger.info({ buffer: c.resolved, field, fileOffset: c.fileOffset, width: c.width, before: c.before, after: c.after }, 'OIEB field corrupted');
  },
});

defineStep({
  id: 'C02',
  keyword: 'Then',
  pattern: 'the connection should fail with invalid OIEB error',
  runsIn: 'process',
  summary:
    "lastConnect failed with InvalidOiebError ZB_INVALID_OIEB — IncompatibleVersionError ZB_INCOMPATIBLE_VERSION when the segment it saw had oieb_size 128 but a major version ≠ 1 (C01 corrupted 'version'); OIEB writer_pid still equals the first writer's PID (≠ own PID); the reader and writer attached to the buffer are still running.",
  servo: (ctx) => {
    const o = ctx.outcomes.get('lastConnect');
    const seen = o.snapBefore;
    if (seen === null) fail('lastConnect carries no SNAP of the segment the connect saw (the buffer did not exist)');
    // protocol.md §3.4 checks oieb_size before the version: only a segment that passes the first
    // check and fails the second is rejected as an incompatible version
    const versionRejected = seen.oieb.oiebSize === V1_OIEB_SIZE && seen.oieb.version.major !== V1_MAJOR;
    const what = `lastConnect to ${String(o.details.name)} (segment seen: oieb_size ${seen.oieb.oiebSize}, version major ${seen.oieb.version.major})`;
    if (versionRejected) expectErrorClassCode(what, o.ok ? undefined : o.error, IncompatibleVersionError, 'ZB_INCOMPATIBLE_VERSION');
    else expectErrorClassCode(what, o.ok ? undefined : o.error, InvalidOiebError, 'ZB_INVALID_OIEB');
    const first = ctx.host.roles.writer?.[0];
    if (first === undefined) fail("the host's routing table names no 'writer' process");
    const now = snapFromShm(seen.name).oieb;
    expectEqual(`OIEB writer_pid of ${seen.name} = the first writer's PID (the rejected connect wrote nothing)`, BigInt(first), now.writerPid);
    expectTrue(`OIEB writer_pid differs from this process's PID ${ctx.pid}`, now.writerPid !== BigInt(ctx.pid), now.writerPid);
    checkAttachedProcessesRunning(`after the rejected connect to the corrupted ${seen.name}`, now);
  },
});
