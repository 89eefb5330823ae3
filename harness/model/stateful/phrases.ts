// The step texts a program is written in: exact phrases of the catalogue (docs/steps-catalogue.md),
// filled in with the model's values. One place, so a rule never spells a phrase by hand and the
// unit test can check every text the model emits against the registry (EMITTED_PHRASE_IDS).
import type { TableRows } from '../../registry';
import { STATE_FIELDS, formatValue, type ExpectedState } from './model';

export const READER = 'reader';
export const WRITER = 'writer';

export interface PhraseStep {
  keyword: 'Given' | 'When' | 'Then' | 'And';
  text: string;
  table?: TableRows;
}

const q = (v: string | number | bigint) => `'${v}'`;

export const phrases = {
  initialized: (): PhraseStep => ({ keyword: 'Given', text: 'the test environment is initialized' }),
  ready: (): PhraseStep => ({ keyword: 'And', text: 'all processes are ready' }),
  create: (buffer: string, meta: number, payload: number): PhraseStep => ({
    keyword: 'And',
    text: `the ${q(READER)} process creates buffer ${q(buffer)} with metadata size ${q(meta)} and payload size ${q(payload)}`,
  }),
  connect: (buffer: string): PhraseStep => ({ keyword: 'And', text: `the ${q(WRITER)} process connects to buffer ${q(buffer)}` }),
  /** B06 */
  write: (size: number, seq: bigint): PhraseStep => ({ keyword: 'When', text: `the ${q(WRITER)} process writes frame with size ${q(size)} and sequence ${q(seq)}` }),
  /** B17, B18, B19 */
  zeroCopy: (size: number): PhraseStep[] => [
    { keyword: 'When', text: `the ${q(WRITER)} process requests zero-copy frame of size ${q(size)}` },
    { keyword: 'And', text: `the ${q(WRITER)} process fills zero-copy buffer with test pattern` },
    { keyword: 'And', text: `the ${q(WRITER)} process commits zero-copy frame` },
  ],
  /** B05 */
  metadata: (size: number): PhraseStep => ({ keyword: 'When', text: `the ${q(WRITER)} process writes metadata with size ${q(size)}` }),
  /** E01, E02 */
  metadataAgain: (size: number): PhraseStep[] => [
    { keyword: 'When', text: `the ${q(WRITER)} process attempts to write metadata again with size ${q(size)}` },
    { keyword: 'Then', text: `the ${q(WRITER)} process verifies the second metadata write should fail` },
  ],
  /** MB02 */
  read: (seq: bigint, size: number): PhraseStep => ({ keyword: 'Then', text: `the ${q(READER)} process should read and hold frame with sequence ${q(seq)} and size ${q(size)}` }),
  /** B09 */
  releaseOldest: (): PhraseStep => ({ keyword: 'When', text: `the ${q(READER)} process signals space available` }),
  /** MB03 */
  release: (seq: bigint): PhraseStep => ({ keyword: 'When', text: `the ${q(READER)} process releases held frame with sequence ${q(seq)}` }),
  /** MB04 */
  nothingPending: (): PhraseStep => ({ keyword: 'Then', text: `the ${q(READER)} process should find no frame pending` }),
  /** L08 */
  fill: (): PhraseStep => ({ keyword: 'When', text: `the ${q(WRITER)} process fills buffer completely` }),
  /** MB05 */
  writeTimesOut: (size: number): PhraseStep => ({ keyword: 'Then', text: `the ${q(WRITER)} process should time out writing frame with size ${q(size)}` }),
  /** L04 */
  killWriter: (): PhraseStep => ({ keyword: 'When', text: `the ${q(WRITER)} process is killed` }),
  /** MB06 */
  newWriter: (buffer: string): PhraseStep => ({ keyword: 'When', text: `a new ${q(WRITER)} process connects to buffer ${q(buffer)}` }),
  /** L06 */
  writerDeath: (): PhraseStep => ({ keyword: 'Then', text: `the ${q(READER)} process should timeout or detect writer death on next read` }),
  /** C04, S02, S03 */
  sequenceError: (expected: bigint, got: bigint): PhraseStep[] => [
    { keyword: 'When', text: `the ${q(READER)} process attempts to read frame` },
    { keyword: 'Then', text: 'the read should fail with sequence error' },
    { keyword: 'And', text: `the error should show expected ${q(expected)} got ${q(got)}` },
  ],
  /** MB01: the model's expected state, checked through the reader. */
  state: (s: ExpectedState): PhraseStep => ({
    keyword: 'Then',
    text: `the ${q(READER)} process should see buffer state:`,
    table: [Object.fromEntries(STATE_FIELDS.map((f) => [f, formatValue(s[f])]))],
  }),
};

/** Ids of every phrase the model's programs emit (test/model-stateful.test.ts: each text matches exactly that definition). */
export const EMITTED_PHRASE_IDS = ['B01', 'B02', 'B03', 'B04', 'B05', 'B06', 'B09', 'B17', 'B18', 'B19', 'C04', 'E01', 'E02', 'L04', 'L06', 'L08', 'MB01', 'MB02', 'MB03', 'MB04', 'MB05', 'MB06', 'S02', 'S03'] as const;
