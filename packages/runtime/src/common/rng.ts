/**
 * Deterministic random numbers, the same in Node and the browser (pure JS, no crypto, no Node APIs).
 * mulberry32 for uniforms, Box-Muller for normals. Same algorithm as packages/train's util/rng.ts
 * contract: createRng(seed) -> () => [0, 1), randomNormal(rng) -> N(0, 1).
 */
export type Rng = () => number;

export function createRng(seed: number): Rng {
  let a = (Math.trunc(seed) >>> 0) || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One standard normal draw (Box-Muller, the cosine branch; 1 - u keeps log away from 0). */
export function randomNormal(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** `count` normals into a Float32Array, scaled by `scale`. */
export function normals(rng: Rng, count: number, scale = 1): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = randomNormal(rng) * scale;
  return out;
}

/** Fisher-Yates permutation of 0..n-1. */
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
