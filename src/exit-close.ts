// Closes every still-open Reader and Writer when the process exits.
//
// The addon's env cleanup hooks run on a normal end of the event loop and when a worker thread
// terminates, but Node skips them on process.exit() and after an uncaught exception. Without
// this, a Reader would leave its shared memory, semaphores and lock file behind until the next
// Reader's stale scan (protocol.md §13); with it, only a real crash (SIGKILL) does.
// Handles are held weakly, so tracking never keeps an abandoned object alive.
interface Closable {
  readonly closed: boolean;
  close(): void;
}

const open = new Set<WeakRef<Closable>>();
let hooked = false;

function closeAll(): void {
  for (const ref of open) {
    const h = ref.deref();
    try {
      if (h && !h.closed) h.close();
    } catch {
      // Exiting anyway: one failed close must not prevent the others.
    }
  }
  open.clear();
}

/** Tracks a native handle until it is closed; returns the function that stops tracking it. */
export function closeOnExit(handle: Closable): () => void {
  if (!hooked) {
    process.once('exit', closeAll);
    hooked = true;
  }
  const ref = new WeakRef(handle);
  open.add(ref);
  return () => open.delete(ref);
}
