/**
 * The Python of the reference venv (scripts/python/env.sh: TensorFlow 2.21, Keras 3.15), which the
 * float64 comparison runs; undefined where the venv cannot be made here.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ENV_SCRIPT = fileURLToPath(new URL('../../../../../../scripts/python/env.sh', import.meta.url));
let memo: { python?: string } | undefined;

export function referencePython(): string | undefined {
  if (memo) return memo.python;
  const env = spawnSync('bash', [ENV_SCRIPT], { encoding: 'utf8' });
  memo = env.status === 0 ? { python: env.stdout.trim().split('\n').pop() } : {};
  return memo.python;
}
