/**
 * The official ONNX checker (pip's onnx 1.23, from the reference venv that
 * scripts/python/env.sh creates once), run once over many files. Tests collect the files they
 * export and check them in one go at the end of the test file.
 * LATENTKIT_ONNX_PYTHON=/path/to/python runs another Python's onnx instead (e.g. Debian's
 * python3-onnx 1.12, to compare the two checkers).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./check_onnx.py', import.meta.url));
const ENV_SCRIPT = fileURLToPath(new URL('../../../../scripts/python/env.sh', import.meta.url));

let resolved: { python?: string; why?: string } | undefined;

/** The Python that runs the checker, or why there is none (memoized; the venv is made at most once). */
export function checkerPython(): { python?: string; why?: string } {
  if (resolved) return resolved;
  let python = process.env.LATENTKIT_ONNX_PYTHON;
  if (!python) {
    const env = spawnSync('bash', [ENV_SCRIPT], { encoding: 'utf8' });
    if (env.status !== 0) return (resolved = { why: `bash scripts/python/env.sh failed (exit ${env.status}; pip could not make the reference venv): ${env.stderr.trim().slice(-400)}` });
    python = env.stdout.trim().split('\n').pop()!;
  }
  const probe = spawnSync(python, ['-c', 'import onnx'], { encoding: 'utf8' });
  if (probe.status !== 0) return (resolved = { why: `${python} cannot import onnx: ${probe.stderr || probe.error}` });
  return (resolved = { python });
}

/** Why the checker cannot run here, or undefined when it can. */
export function checkerUnavailable(): string | undefined {
  return checkerPython().why;
}

/** The checker's onnx version and, per path, 'ok' or the checker's error. */
export function checkOnnxFiles(paths: string[]): { onnx: string; results: Record<string, string> } {
  const { python, why } = checkerPython();
  if (!python) throw new Error(`ONNX checker unavailable: ${why}`);
  if (!paths.length) return { onnx: '', results: {} };
  const r = spawnSync(python, [SCRIPT, ...paths], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`ONNX checker failed to run (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as { onnx: string; results: Record<string, string> };
}

/**
 * The end-of-file check every exporting test file runs: all `paths` pass the checker (skipped, with
 * a warning naming why, only where the reference venv cannot be made).
 */
export function assertOnnxFilesValid(paths: string[], what: string): void {
  const why = checkerUnavailable();
  if (why) {
    console.warn(`skipping the ONNX checker: ${why}`);
    return;
  }
  const { onnx, results } = checkOnnxFiles(paths);
  const failures = paths.filter((f) => results[f] !== 'ok').map((f) => `${f}: ${results[f] ?? 'not checked'}`);
  assert.deepEqual(failures, [], `ONNX checker (onnx ${onnx}) failures:\n${failures.join('\n')}`);
  console.log(`# ONNX checker (onnx ${onnx}, full_check + strict shape inference): ${paths.length} ${what} ok`);
}

/** Collects exported models into a temp folder for one checker run at the end of a test file. */
export class CheckerBatch {
  readonly dir = mkdtempSync(join(tmpdir(), 'latentkit-onnx-'));
  readonly files: string[] = [];

  add(label: string, bytes: Uint8Array): void {
    const path = join(this.dir, `${String(this.files.length).padStart(4, '0')}-${label.replace(/[^A-Za-z0-9_.-]+/g, '_')}.onnx`);
    writeFileSync(path, bytes);
    this.files.push(path);
  }

  /** Asserts every collected file passes the checker. */
  assertAllValid(what: string): void {
    assertOnnxFilesValid(this.files, what);
  }
}
