/**
 * Deterministic random numbers, the same in Node and the browser: a copy of packages/train's
 * src/util/rng.ts (same algorithms, same outputs; rng.test.ts checks they agree), kept here so the
 * browser entry pulls in nothing from the training package.
 * mulberry32 uses only integer ops; Box-Muller uses Math.log/sqrt/cos/sin.
 */
export type Rng = () => number;

export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) {
    throw new TypeError(`createRng: seed must be a finite number, received ${String(seed)}`);
  }
  let state = (Math.trunc(seed) ^ Math.trunc(seed / 4294967296)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills `out` with standard normals (Box-Muller, both values of each pair) and returns it. */
export function randomNormal(rng: Rng, out: Float32Array): Float32Array {
  const n = out.length;
  for (let i = 0; i < n; i += 2) {
    const u1 = 1 - rng();
    const u2 = rng();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    out[i] = r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

/** `count` normals scaled by `scale` (the sampling temperature). */
export function normals(rng: Rng, count: number, scale = 1): Float32Array {
  const out = randomNormal(rng, new Float32Array(count));
  if (scale !== 1) for (let i = 0; i < count; i++) out[i] *= scale;
  return out;
}

/** Fisher-Yates permutation of 0..n-1 drawn from `rng` (train's shuffledIndices, on a live rng). */
export function permutation(rng: Rng, n: number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
