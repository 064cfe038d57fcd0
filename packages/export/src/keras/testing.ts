/**
 * Test helpers for the Keras readers: the committed fixtures (test/keras-fixtures/, written by
 * make_fixtures.py with Keras 3.15 on TF 2.21).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
