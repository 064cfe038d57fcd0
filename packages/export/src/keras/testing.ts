/**
 * Test helpers for the Keras readers: the committed fixtures (test/keras-fixtures/, written by
 * make_fixtures.py with Keras 3.15 on TF 2.21) and the ONNX checker of the Python reference venv
 * (onnx 1.23), falling back to the Debian checker the other tests use where the venv is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { assertOnnxFilesValid } from '../testing/onnx-checker.ts';

export const FIXTURES = fileURLToPath(new URL('../../test/keras-fixtures/', import.meta.url));

export interface FixtureTensor {
  shape: number[];
  data: Float32Array;
}
export interface FixtureCase {
  inputs: Record<string, FixtureTensor>;
  outputs: FixtureTensor[];
}

function tensor(t: { shape: number[]; base64: string }): FixtureTensor {
  const bytes = Buffer.from(t.base64, 'base64');
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { shape: t.shape, data };
}

/** expected.json: Keras's own outputs on fixed inputs, per model (`models`) and per extra (`extras`). */
export function readExpected(): { keras: string; models: Record<string, FixtureCase>; extras: Record<string, FixtureCase> } {
  const raw = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8'));
  const convert = (group: Record<string, { inputs: Record<string, { shape: number[]; base64: string }>; outputs: { shape: number[]; base64: string }[] }>) =>
    Object.fromEntries(
      Object.entries(group ?? {}).map(([k, v]) => [k, { inputs: Object.fromEntries(Object.entries(v.inputs).map(([n, t]) => [n, tensor(t)])), outputs: v.outputs.map(tensor) }]),
    );
  return { keras: raw.keras, models: convert(raw.models), extras: convert(raw.extras) };
}

/** The reference venv's python (scripts/python/env.sh), if it has been created on this machine. */
export function referencePython(): string | undefined {
  const venv = process.env.LATENTKIT_PY_ENV ?? join(homedir(), '.cache', 'latentkit', 'py-reference');
  const py = join(venv, 'bin', 'python');
  return existsSync(py) ? py : undefined;
}

const CHECK_SCRIPT = fileURLToPath(new URL('../testing/check_onnx.py', import.meta.url));

/**
 * Every file passes onnx.checker.check_model(full_check=True) and strict shape inference: with the
 * reference venv's onnx (1.23) where it exists, else Debian's python3-onnx (via assertOnnxFilesValid).
 * Returns the onnx version that checked them.
 */
export function assertValidOnnx(paths: string[], what: string): string {
  const py = referencePython();
  const version = py ? spawnSync(py, ['-c', 'import onnx; print(onnx.__version__)'], { encoding: 'utf8' }) : undefined;
  if (!py || version?.status !== 0) {
    assertOnnxFilesValid(paths, what);
    return 'debian python3-onnx';
  }
  const r = spawnSync(py, [CHECK_SCRIPT, ...paths], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`ONNX checker failed to run (exit ${r.status}): ${r.stderr}`);
  const results = JSON.parse(r.stdout) as Record<string, string>;
  const failures = paths.filter((f) => results[f] !== 'ok').map((f) => `${f}: ${results[f] ?? 'not checked'}`);
  assert.deepEqual(failures, [], `ONNX checker failures:\n${failures.join('\n')}`);
  const v = version.stdout.trim();
  console.log(`# ONNX checker (onnx ${v}, full_check + strict shape inference): ${paths.length} ${what} ok`);
  return v;
}
