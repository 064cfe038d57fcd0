/**
 * Pixels to JSON text fast. JSON.stringify of 65k rounded floats (a 64-image Fashion batch) costs
 * ~20 ms; pixels of a sigmoid decoder lie in [0, 1], so with d decimals there are only 10^d + 1
 * distinct strings: look them up in a table and join. Values outside [0, 1] take the slow path.
 */
const tables = new Map<number, string[]>();

function table(decimals: number): string[] {
  let t = tables.get(decimals);
  if (!t) {
    const scale = 10 ** decimals;
    t = Array.from({ length: scale + 1 }, (_, i) => String(i / scale));
    tables.set(decimals, t);
  }
  return t;
}

/** `[v0,v1,...]` with each value rounded to `decimals` (<= 6), as JSON.stringify would print it. */
export function floatArrayJson(data: Float32Array, decimals: number): string {
  const scale = 10 ** decimals;
  const t = decimals <= 6 ? table(decimals) : undefined;
  const parts: string[] = new Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (t && v >= 0 && v <= 1) parts[i] = t[Math.round(v * scale)];
    else parts[i] = Number.isFinite(v) ? String(Math.round(v * scale) / scale) : 'null';
  }
  return `[${parts.join(',')}]`;
}

/** `[b0,b1,...]` of 8-bit values. */
export function uint8ArrayJson(data: Uint8Array): string {
  return `[${data.join(',')}]`;
}
