/**
 * The reference frameworks the bench races, each timed by its own script in a child process:
 * the book's own Keras code (keras_reference.py, TF 2.21 + Keras 3.15 in the venv that
 * scripts/python/env.sh creates or reuses) and the same networks in PyTorch (torch_reference.py,
 * Debian's python3-torch). Each returns rows, or a sentence saying why it could not run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ModelKind } from '../src/types.ts';

export interface ReferenceRow {
  /** A book model's kind, or a spec file's name (runKerasSpec). */
  model: string;
  batch: number;
  ms_per_step: number;
  img_per_s: number;
  best_img_per_s: number;
  cpu_ms_per_step: number;
  steps: number;
  threads?: number;
  jit_compile?: string | boolean;
  tf?: string;
  keras?: string;
  /** runKerasSpec: Keras's encoder and decoder parameter counts. */
  params?: [number, number];
}

const script = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));
const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';
const rows = (stdout: string) => stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as ReferenceRow);

/** The Python of the reference venv (scripts/python/env.sh), or why there is none. */
export function referencePython(): { python: string } | { error: string } {
  const env = fileURLToPath(new URL('../../../scripts/python/env.sh', import.meta.url));
  const r = spawnSync('bash', [env], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 900_000 });
  if (r.status !== 0) return { error: `scripts/python/env.sh failed (${r.status ?? r.signal}); the Keras reference needs pip's tensorflow-cpu and keras` };
  return { python: lastLine(r.stdout) };
}

/**
 * The book's Keras code on `models` (one process; TensorFlow uses all cores by default).
 * `jit`: 'auto' is what the book's compile() call gets in Keras 3 (XLA where supported); 'off' is
 * TensorFlow's graph executor with oneDNN and no XLA (Keras 2's default); 'auto,off' times both.
 */
export function runKeras(python: string, models: ModelKind[], seconds: number, jit: string): ReferenceRow[] | string {
  const r = spawnSync(python, [script('keras_reference.py'), '--models', models.join(','), '--seconds', String(seconds), '--jit', jit], {
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
    timeout: 600_000,
  });
  if (r.status !== 0) return `keras_reference.py failed (${r.status ?? r.signal}): ${lastLine(r.stderr)}`;
  return rows(r.stdout);
}

/** bench/torch_reference.py with Debian's python3 if it has torch. */
export function runTorch(models: ModelKind[], seconds: number, threads: number): ReferenceRow[] | string {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return `${python} not found`;
  const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) return `${python} cannot import torch (apt install python3-torch)`;
  const r = spawnSync(python, [script('torch_reference.py'), '--models', models.join(','), '--seconds', String(seconds), '--threads', String(threads)], {
    encoding: 'utf8',
    // One OpenBLAS thread per torch thread (NOTES.md); Debian's libopenblas0-pthread is the BLAS.
    // OMP_WAIT_POLICY=PASSIVE: idle OpenMP threads sleep instead of spinning, which otherwise
    // makes 2-thread torch 5-10x slower whenever another process holds one of the two cores.
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: String(threads), OMP_WAIT_POLICY: 'PASSIVE' },
    timeout: 240_000,
  });
  if (r.status !== 0) return `torch_reference.py failed (${r.status ?? r.signal}): ${lastLine(r.stderr)}`;
  return rows(r.stdout);
}

/**
 * A latentkit model spec (JSON file) built in Keras by scripts/python/spec_models.py and timed like
 * runKeras; rows are named after the file.
 */
export function runKerasSpec(python: string, specFile: string, batch: number, seconds: number, jit: string): ReferenceRow[] | string {
  const r = spawnSync(python, [script('keras_reference.py'), '--spec', specFile, '--batch', String(batch), '--seconds', String(seconds), '--jit', jit], {
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
    timeout: 600_000,
  });
  if (r.status !== 0) return `keras_reference.py --spec failed (${r.status ?? r.signal}): ${lastLine(r.stderr)}`;
  return rows(r.stdout);
}
