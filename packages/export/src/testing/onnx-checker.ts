/**
 * The official ONNX checker from Debian's python3-onnx (1.12), run once over many files.
 * Tests collect the files they export and call `checkOnnxFiles` in one go.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./check_onnx.py', import.meta.url));

/** Why the checker cannot run here, or undefined when it can. */
export function checkerUnavailable(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import onnx'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `${PYTHON} cannot import onnx (install Debian's python3-onnx): ${r.stderr || r.error}`;
}

/** path -> 'ok' or the checker's error. */
export function checkOnnxFiles(paths: string[]): Record<string, string> {
  if (!paths.length) return {};
  const r = spawnSync(PYTHON, [SCRIPT, ...paths], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`ONNX checker failed to run (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, string>;
}

/**
 * The end-of-file check every exporting test file runs: all `paths` pass the checker (skipped, with
 * a warning naming why, only where Debian's python3-onnx is missing).
 */
export function assertOnnxFilesValid(paths: string[], what: string): void {
  const why = checkerUnavailable();
  if (why) {
    console.warn(`skipping the ONNX checker: ${why}`);
    return;
  }
  const results = checkOnnxFiles(paths);
  const failures = paths.filter((f) => results[f] !== 'ok').map((f) => `${f}: ${results[f] ?? 'not checked'}`);
  assert.deepEqual(failures, [], `ONNX checker failures:\n${failures.join('\n')}`);
  console.log(`# ONNX checker (full_check + strict shape inference): ${paths.length} ${what} ok`);
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
