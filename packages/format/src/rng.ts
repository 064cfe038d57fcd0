/**
 * Seeded randomness for data order, noise and sampling, the same in Node and browsers. Math.random is
 * never used: a seed must give the same numbers on every engine and run, so shuffles, resumed training
 * runs and `seed` arguments of the HTTP API reproduce.
 * The sequences are pinned by rng.test.ts; changing them changes every seeded result.
 */

/** A uniform generator on [0, 1). */
export type Rng = () => number;

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): a 32-bit state, fast and well distributed for
 * shuffles and noise. Only integer ops (Math.imul, >>>), so every JS engine yields identical sequences.
 * @throws TypeError when `seed` is not a finite number.
 */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) {
    throw new TypeError(`createRng: seed must be a finite number, received ${String(seed)}`);
  }
  // Fold any finite number (negative, fractional, > 2^32) into 32 bits deterministically.
  let state = (Math.trunc(seed) ^ Math.trunc(seed / 4294967296)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fills `out` with standard normal draws (Box-Muller, both values of each pair used) and returns it.
 * 1 - u keeps the logarithm's argument in (0, 1], so no draw is infinite.
 */
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

/** `count` standard normals times `scale` (the sampling temperature), drawn from `rng`. */
export function normals(rng: Rng, count: number, scale = 1): Float32Array {
  const out = randomNormal(rng, new Float32Array(count));
  if (scale !== 1) for (let i = 0; i < count; i++) out[i] *= scale;
  return out;
}

/** A Fisher-Yates permutation of 0..n-1 drawn from a live `rng`. */
export function permutation(rng: Rng, n: number): Uint32Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new RangeError(`permutation: n must be an integer in [0, 2^32), received ${String(n)}`);
  }
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/**
 * A Fisher-Yates permutation of 0..n-1 fixed by `seed` (= permutation(createRng(seed), n)).
 * @throws RangeError when `n` is not an integer in [0, 2^32).
 */
export function shuffledIndices(n: number, seed: number): Uint32Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new RangeError(`shuffledIndices: n must be an integer in [0, 2^32), received ${String(n)}`);
  }
  return permutation(createRng(seed), n);
}
