// Model-based testing — the buffer-state assertion (MB01): the OIEB fields and semaphore values a
// model predicts, checked field by field in one step, so that a counterexample written as a
// feature file fails under cucumber exactly where the model runner saw the invariant break.
import { defineStep, type TableRows } from '../../harness/registry';
import { fail } from '../../harness/assert';
import type { Snap } from '../../harness/diagnostics/snap';
import type { ServoContext } from '../../harness/servo/context';

/** Column → how to read it from a SNAP (OIEB field names of protocol.md §3.2; semaphores as named in §2.1). */
const COLUMNS: Record<string, (s: Snap) => bigint | number | null> = {
  payload_free_bytes: (s) => s.oieb.payloadFreeBytes,
  payload_write_pos: (s) => s.oieb.payloadWritePos,
  payload_read_pos: (s) => s.oieb.payloadReadPos,
  payload_written_count: (s) => s.oieb.payloadWrittenCount,
  payload_read_count: (s) => s.oieb.payloadReadCount,
  metadata_written_bytes: (s) => s.oieb.metadataWrittenBytes,
  metadata_free_bytes: (s) => s.oieb.metadataFreeBytes,
  sem_w: (s) => s.sem.data,
  sem_r: (s) => s.sem.space,
};

export const BUFFER_STATE_COLUMNS = Object.keys(COLUMNS);

/** SNAP through the reader or writer this process holds (the reader first: it owns the buffer). */
function snapOwn(ctx: ServoContext): Snap {
  const { reader, writer } = ctx.objects;
  if (reader !== null && !reader.reader.closed) return ctx.snapReader(reader);
  if (writer !== null && !writer.writer.closed) return ctx.snapWriter(writer);
  return fail(`process '${ctx.role}' holds no open reader or writer to take a SNAP through`);
}

/** Every mismatching column is reported, with the whole observed row, so a failure shows the full picture. */
export function checkBufferState(s: Snap, rows: TableRows): void {
  if (rows.length !== 1) fail(`buffer state: the table needs a header row and exactly one row of values, got ${rows.length} value rows`);
  const row = rows[0]!;
  const mismatches: string[] = [];
  const observed: string[] = [];
  for (const [col, text] of Object.entries(row)) {
    const get = COLUMNS[col];
    if (get === undefined) fail(`buffer state: unknown column '${col}' (known: ${BUFFER_STATE_COLUMNS.join(', ')})`);
    if (!/^\d+( or \d+)*$/.test(text)) fail(`buffer state: column '${col}' needs a decimal integer (or alternatives 'a or b'), got '${text}'`);
    const allowed = text.split(' or ').map((v) => BigInt(v));
    const value = get(s);
    observed.push(`${col}=${value}`);
    if (value === null || !allowed.includes(BigInt(value))) mismatches.push(`${col}: expected ${text}, observed ${value}`);
  }
  if (mismatches.length > 0) fail(`buffer state of ${s.name} differs from the expected one in ${mismatches.length} field(s): ${mismatches.join('; ')} (observed: ${observed.join(' ')})`);
}

defineStep({
  id: 'MB01',
  keyword: 'Then',
  pattern: "the '{role}' process should see buffer state:",
  runsIn: 'process',
  table: true,
  summary:
    'SNAP through this process\'s reader (else writer): every column of the one-row table equals the observed value (a cell `a or b` accepts either) — OIEB fields payload_free_bytes, payload_write_pos, payload_read_pos, payload_written_count, payload_read_count, metadata_written_bytes, metadata_free_bytes, and the semaphore values sem_w, sem_r. Unknown columns fail.',
  servo: (ctx, _role: string, rows: TableRows) => checkBufferState(snapOwn(ctx), rows),
});
