// Every step phrase of the harness, grouped by domain. Loaded by the host (through
// steps/support/register.ts) and by every servo (compiled: dist/steps/index.js).
import './parameters';
import './environment';
import './buffers';
import './metadata';
import './frames';
import './lifecycle';
