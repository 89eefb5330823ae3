// `zerobuffer inspect <name>` and `zerobuffer clean [<name>]` (diagnostics; never modify a live buffer).
import { cleanStaleResources, inspectBuffer, resourcePaths } from '../diagnostics';
import { describeError, toJson } from './common';

function pct(num: bigint, den: bigint): number {
  return den > 0n ? Math.round((Number(num) / Number(den)) * 10000) / 100 : 0;
}

/** Prints the state of a buffer. Exit code 0 when the shared memory exists, 1 otherwise. */
export function runInspect(name: string, o: { json: boolean }): number {
  let info;
  try {
    info = inspectBuffer(name);
  } catch (err) {
    process.stderr.write(`zerobuffer inspect: ${describeError(err)}\n`);
    return 1;
  }
  const paths = resourcePaths(name);
  const oieb = info.oieb;
  const used = oieb ? oieb.payloadSize - oieb.payloadFreeBytes : 0n;
  const report = {
    name: info.name,
    exists: info.exists,
    paths,
    segment_size: info.exists ? info.segmentSize : null,
    oieb,
    utilisation:
      oieb === null
        ? null
        : {
            payload_used_bytes: used,
            payload_used_percent: oieb ? pct(used, oieb.payloadSize) : 0,
            pending_frames_and_markers: oieb.payloadWrittenCount - oieb.payloadReadCount,
            metadata_used_bytes: oieb.metadataWrittenBytes,
          },
    reader: { pid: oieb?.readerPid ?? null, alive: info.readerAlive },
    writer: { pid: oieb?.writerPid ?? null, alive: info.writerAlive },
    semaphores: info.semaphores,
    lock_file: info.lockFile,
  };
  if (o.json) {
    process.stdout.write(toJson(report) + '\n');
  } else if (!info.exists) {
    process.stdout.write(
      `buffer ${JSON.stringify(name)}: no shared memory at ${paths.shm}\n` +
        `  semaphores: sem-w ${info.semaphores.data ?? 'missing'}, sem-r ${info.semaphores.space ?? 'missing'}\n` +
        `  lock file:  ${info.lockFile.exists ? (info.lockFile.held ? 'present, held' : 'present, not held (stale)') : 'absent'}\n`,
    );
  } else {
    const lines = [`buffer ${JSON.stringify(name)} (${paths.shm}, ${info.segmentSize} bytes)`];
    if (oieb === null) {
      lines.push('  OIEB: segment smaller than 128 bytes');
    } else {
      const v = oieb.version;
      lines.push(
        `  OIEB size ${oieb.oiebSize}, protocol ${v.major}.${v.minor}.${v.patch}`,
        `  metadata: size ${oieb.metadataSize}, written ${oieb.metadataWrittenBytes}, free ${oieb.metadataFreeBytes}`,
        `  payload:  size ${oieb.payloadSize}, free ${oieb.payloadFreeBytes}, used ${used} (${report.utilisation?.payload_used_percent}%)`,
        `  positions: write ${oieb.payloadWritePos}, read ${oieb.payloadReadPos}`,
        `  counts:   written ${oieb.payloadWrittenCount}, read ${oieb.payloadReadCount} (pending ${oieb.payloadWrittenCount - oieb.payloadReadCount})`,
        `  reader:   pid ${oieb.readerPid} (${info.readerAlive ? 'alive' : 'dead/none'})`,
        `  writer:   pid ${oieb.writerPid} (${info.writerAlive ? 'alive' : 'dead/none'})`,
      );
    }
    lines.push(
      `  semaphores: sem-w ${info.semaphores.data ?? 'missing'}, sem-r ${info.semaphores.space ?? 'missing'}`,
      `  lock file:  ${paths.lock} ${info.lockFile.exists ? (info.lockFile.held ? '(held)' : '(not held: stale)') : '(absent)'}`,
    );
    process.stdout.write(lines.join('\n') + '\n');
  }
  return info.exists ? 0 : 1;
}

/**
 * Removes stale resources (only where no live owner exists) and lists what was removed. With a
 * name whose buffer is still in use, says so (and who uses it).
 */
export function runClean(name: string | undefined, o: { json: boolean }): number {
  let removed: string[];
  let live: string | null = null;
  try {
    removed = cleanStaleResources(name);
    if (name !== undefined && removed.length === 0) live = liveness(name);
  } catch (err) {
    process.stderr.write(`zerobuffer clean: ${describeError(err)}\n`);
    return 1;
  }
  if (o.json) {
    process.stdout.write(toJson({ operation: 'clean', buffer_name: name ?? null, removed, live: live !== null }) + '\n');
  } else if (live !== null) {
    process.stdout.write(`buffer ${JSON.stringify(name)} is live (${live}): nothing removed\n`);
  } else if (removed.length === 0) {
    process.stdout.write(`nothing to clean${name !== undefined ? ` for ${JSON.stringify(name)}` : ''}\n`);
  } else {
    for (const p of removed) process.stdout.write(`removed ${p}\n`);
  }
  return 0;
}

/** Who keeps buffer `name` alive ("reader pid 12 alive, lock held"), or null when nobody does. */
function liveness(name: string): string | null {
  const info = inspectBuffer(name);
  const who: string[] = [];
  if (info.readerAlive) who.push(`reader pid ${info.oieb?.readerPid} alive`);
  if (info.writerAlive) who.push(`writer pid ${info.oieb?.writerPid} alive`);
  if (info.lockFile.held) who.push(`lock ${resourcePaths(name).lock} held`);
  return who.length > 0 ? who.join(', ') : null;
}
