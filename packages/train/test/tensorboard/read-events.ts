/**
 * Reads TensorBoard logs back with TensorBoard's own reader (pip's tensorboard 2.21, EventAccumulator,
 * in the venv scripts/python/tensorboard-env.sh makes once; read_events.py beside this file), for tests.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./read_events.py', import.meta.url));
const ENV_SCRIPT = fileURLToPath(new URL('../../../../scripts/python/tensorboard-env.sh', import.meta.url));

export interface TensorBoardRun {
  file_version: number;
  /** tag -> [step, value] in the order TensorBoard keeps them (after purging orphaned steps). */
  scalars: Record<string, [number, number][]>;
  images: Record<string, { step: number; width: number; height: number; sha256: string; png: boolean }[]>;
  histograms: Record<string, { step: number; min: number; max: number; num: number; sum: number; bucket_limit: number[]; bucket: number[] }[]>;
  /** tag -> [step, strings of the text tensor]. */
  text: Record<string, [number, string[]][]>;
  /** Per events file (name order), the steps of its summary events before any purge. */
  raw_steps: Record<string, number[]>;
  /** Steps of the SessionLog START events, in file order. */
  session_starts: number[];
}

let python: string | undefined;

/** The venv's Python (made on first use, ~20 s). @throws Error naming pip's output when the venv cannot be made. */
export function tensorboardPython(): string {
  if (python) return python;
  const env = spawnSync('bash', [ENV_SCRIPT], { encoding: 'utf8' });
  if (env.status !== 0) throw new Error(`bash scripts/python/tensorboard-env.sh failed (exit ${env.status}): ${env.stderr.trim().slice(-600)}`);
  return (python = env.stdout.trim().split('\n').pop()!);
}

/** What TensorBoard reads in each log folder of `dirs`, and its version. @throws Error when the reader fails. */
export function readTensorBoard(dirs: string[]): { tensorboard: string; runs: Record<string, TensorBoardRun> } {
  const r = spawnSync(tensorboardPython(), [SCRIPT, ...dirs], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`read_events.py failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout) as { tensorboard: string; runs: Record<string, TensorBoardRun> };
}
