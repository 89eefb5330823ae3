// `npm run build:ts`, after tsc: bundles the compiled servo into one file (host/servo-bundle.ts).
import * as path from 'node:path';
import { buildServoBundle, servoBundlePaths } from '../host/servo-bundle';

const ms = buildServoBundle();
process.stdout.write(`servo bundle: ${path.relative(process.cwd(), servoBundlePaths().bundle)} (${Math.round(ms)} ms)\n`);
