/** onnxruntime-node (CPU) helpers for the parity tests. */
import * as ort from 'onnxruntime-node';

export type Feeds = Record<string, { data: Float32Array | BigInt64Array; dims: number[] }>;

/** Sessions log a warning for inputs with defaults (epsilon); tests keep the log to errors. */
export async function session(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], logSeverityLevel: 3 });
}

export async function run(bytes: Uint8Array | ort.InferenceSession, feeds: Feeds): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const s = bytes instanceof Uint8Array ? await session(bytes) : bytes;
  const inputs: Record<string, ort.Tensor> = {};
  for (const [name, { data, dims }] of Object.entries(feeds)) inputs[name] = data instanceof BigInt64Array ? new ort.Tensor('int64', data, dims) : new ort.Tensor('float32', data, dims);
  const out = await s.run(inputs);
  const result: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
  for (const [name, t] of Object.entries(out)) result[name] = { data: t.data as Float32Array, dims: t.dims };
  return result;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** Deterministic uniform values in [lo, hi) (mulberry32). */
export function uniform(n: number, seed: number, lo = 0, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = lo + (hi - lo) * r;
  }
  return out;
}

/** Deterministic standard normal values (Box-Muller over `uniform`). */
export function normal(n: number, seed: number): Float32Array {
  const u = uniform(2 * n, seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - u[2 * i])) * Math.cos(2 * Math.PI * u[2 * i + 1]);
  return out;
}
