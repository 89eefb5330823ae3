// Model-based testing — the writer replaced after a kill (MB06): a fresh process connects a new
// writer to the buffer the killed one left (protocol.md §7.1 step 7: a dead writer is taken over
// silently), with the same checks as B04.
import { defineStep } from '../../harness/registry';
import { connectChecked } from '../common/buffers';

defineStep({
  id: 'MB06',
  keyword: 'When',
  pattern: "a new '{role}' process connects to buffer '{name}'",
  runsIn: 'process',
  summary:
    "A fresh process replaces the role's process (routing rule 3) and connects a writer as B04: next sequence 1, OIEB writer_pid = own PID (a dead writer's PID is taken over), reader_pid alive, isReaderConnected() true.",
  servo: (ctx, _role: string, name: string) => connectChecked(ctx, name),
});
