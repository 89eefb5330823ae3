// Feature 04 — buffers created with a named configuration (steps.md §3.2): X06, X17.
import { defineStep } from '../../harness/registry';
import { BUFFER_CONFIGS, minimumViable } from '../../harness/model/config';
import { createFresh } from '../common/buffers';

defineStep({
  id: 'X06',
  keyword: 'Given',
  pattern: "the '{role}' process creates buffer '{name}' with default config",
  runsIn: 'process',
  summary: 'As B03 with metadata 1024 and payload 33554432; FRESH(1024, 33554432).',
  servo: (ctx, _role: string, name: string) => createFresh(ctx, name, BUFFER_CONFIGS.default),
});

defineStep({
  id: 'X17',
  keyword: 'Given',
  pattern: "the '{role}' process creates buffer '{name}' with minimum viable size '{uint}'",
  runsIn: 'process',
  summary: 'Create a reader with metadata 0 and payload size; FRESH(0, size).',
  servo: (ctx, _role: string, name: string, size: number) => createFresh(ctx, name, minimumViable(size)),
});
