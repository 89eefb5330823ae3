// Buffer configurations of steps.md §3.2 — the one table every step uses — and the frame size of
// the sequence-only steps (steps.md §3.3).
export interface BufferConfig {
  metadataSize: number;
  payloadSize: number;
}

export const BUFFER_CONFIGS = {
  /** `with default config` (plain buffer): holds three 10 MiB frames. Also `attempts to create buffer '…'` without sizes. */
  default: { metadataSize: 1024, payloadSize: 33554432 },
  /** `with default config` for a duplex channel (D06), `with processing mode '…'` (D14), D54. */
  duplexDefault: { metadataSize: 4096, payloadSize: 1048576 },
  /** `with specific configuration` (C21). */
  specific: { metadataSize: 0, payloadSize: 10240 },
  /** `with large config` (K04). */
  large: { metadataSize: 4096, payloadSize: 268435456 },
} as const satisfies Record<string, BufferConfig>;

/** `with minimum viable size 'N'` (X17). */
export function minimumViable(payloadSize: number): BufferConfig {
  return { metadataSize: 0, payloadSize };
}

/** Sequence-only steps (B10, B11, L07, L08, L10, B13–B16, …) write and read 1024-byte frames. */
export const SEQ_FRAME_SIZE = 1024;
