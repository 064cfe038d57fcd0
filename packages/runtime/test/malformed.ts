/**
 * fast-check arbitraries of malformed requests: each one is wrong in a way the API must answer with a
 * 4xx (bad JSON, wrong types, out-of-range numbers, unknown keys, wrong media types, broken images,
 * unknown routes, unacceptable Accept headers, oversized bodies).
 */
import fc from 'fast-check';

export interface MalformedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** What makes it wrong (shown when an answer is not a 4xx). */
  why: string;
}

const jsonRoutes = ['/v1/sample', '/v1/decode', '/v1/morph', '/v1/attributes/Smiling'];
const uploadRoutes = ['/v1/encode', '/v1/reconstruct'];
const json = { 'content-type': 'application/json' };

const weirdValue = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom(null, true, false, -1, 0, 1e308, -1e308, 1.5, 2 ** 53, -0, 1e-320),
  fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.double(), fc.constant(null)), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 3 }),
);

/** A JSON text that does not parse. */
const brokenJson = fc
  .tuple(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), fc.nat(), fc.constantFrom('{', '[', '"', ',', '}}', 'NaN', '\u0000', ''))
  .map(([text, cut, junk]) => text.slice(0, cut % (text.length + 1)) + junk)
  .filter((t) => {
    if (t.trim() === '') return false; // empty = defaults, valid for /v1/sample
    try {
      JSON.parse(t);
      return false;
    } catch {
      return true;
    }
  });

/** A JSON object with at least one key the strict schemas do not know. */
const unknownKey = fc
  .tuple(
    fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !['n', 'seed', 'temperature', 'encoding', 'includeLatents', 'z', 'a', 'b', 'steps', 'endpoint', 'factors'].includes(k) && k !== '__proto__'),
    weirdValue,
    fc.dictionary(fc.constantFrom('n', 'seed', 'z', 'steps', 'factors'), weirdValue, { maxKeys: 2 }),
  )
  .map(([k, v, rest]) => JSON.stringify({ ...rest, [k]: v }));

/** Known keys with values of the wrong type or range, for the route they are sent to. */
const wrongValues: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(fc.constant('/v1/sample'), fc.oneof(
    fc.record({ n: fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 257 }), fc.double({ noInteger: true }), fc.string()) }),
    fc.record({ seed: fc.oneof(fc.integer({ max: -1 }), fc.double({ noInteger: true, noNaN: true }), fc.constant(2 ** 32)) }),
    fc.record({ temperature: fc.oneof(fc.double({ min: 10.001, noNaN: true, noDefaultInfinity: true }), fc.double({ max: -0.001, noNaN: true, noDefaultInfinity: true }), fc.string()) }),
    fc.record({ encoding: fc.string().filter((s) => s !== 'float' && s !== 'uint8') }),
  ).map((b) => JSON.stringify(b))),
  fc.tuple(fc.constant('/v1/decode'), fc.oneof(
    fc.array(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -10, max: 10 }), { maxLength: 5 }).filter((r) => r.length !== 2), { minLength: 1, maxLength: 3 }),
    fc.array(fc.tuple(fc.double({ min: 1001, noNaN: true, noDefaultInfinity: true }), fc.double()), { minLength: 1, maxLength: 2 }),
    fc.constant([]),
    weirdValue.filter((v) => !Array.isArray(v)),
  ).map((z) => JSON.stringify({ z }))),
  fc.tuple(fc.constant('/v1/morph'), fc.oneof(
    fc.record({ a: fc.constant([0, 0]), b: fc.constant([1, 1]), steps: fc.oneof(fc.integer({ max: 1 }), fc.integer({ min: 65 }), fc.string()) }),
    fc.record({ a: weirdValue, b: fc.constant([1, 1]) }),
    fc.record({ b: fc.constant([1, 1]) }),
  ).map((b) => JSON.stringify(b))),
  fc.tuple(fc.constant('/v1/attributes/Smiling'), fc.oneof(
    fc.record({ factors: fc.oneof(fc.constant([]), fc.array(fc.string(), { minLength: 1, maxLength: 3 }), fc.array(fc.double({ min: 1001, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 2 })) }),
    fc.record({ z: fc.constant([[0, 0]]), n: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ n: fc.integer({ min: 30, max: 200 }) }),
  ).map((b) => JSON.stringify(b))),
);

export function malformedRequest(validPng: Uint8Array): fc.Arbitrary<MalformedRequest> {
  return fc.oneof(
    fc.tuple(fc.constantFrom(...jsonRoutes), brokenJson).map(([path, body]) => ({ method: 'POST', path, headers: json, body, why: 'broken JSON' })),
    fc.tuple(fc.constantFrom(...jsonRoutes), unknownKey).map(([path, body]) => ({ method: 'POST', path, headers: json, body, why: 'unknown key' })),
    fc.tuple(fc.constantFrom(...jsonRoutes), fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))).map(([path, v]) => ({ method: 'POST', path, headers: json, body: JSON.stringify(v), why: 'JSON that is not an object' })),
    wrongValues.map(([path, body]) => ({ method: 'POST', path, headers: json, body, why: 'wrong value' })),
    fc.tuple(fc.constantFrom(...jsonRoutes), fc.constantFrom('application/xml', 'image/gif', 'multipart/mixed', 'application/octet-stream', 'video/mp4')).map(([path, type]) => ({ method: 'POST', path, headers: { 'content-type': type }, body: '{}', why: `content-type ${type}` })),
    fc.tuple(fc.constantFrom(...jsonRoutes), fc.constantFrom('text/html', 'image/jpeg', 'application/xml;q=1, image/png;q=0', 'font/woff2')).map(([path, accept]) => ({ method: 'POST', path, headers: { ...json, accept }, body: '{}', why: `accept ${accept}` })),
    fc.tuple(fc.constantFrom(...jsonRoutes), fc.string({ minLength: 1, maxLength: 6 }).filter((f) => f !== 'json' && f !== 'png')).map(([path, f]) => ({ method: 'POST', path: `${path}?format=${encodeURIComponent(f)}`, headers: json, body: '{}', why: 'bad format' })),
    fc.tuple(fc.constantFrom(...uploadRoutes), fc.uint8Array({ minLength: 1, maxLength: 300 })).map(([path, body]) => ({ method: 'POST', path, headers: { 'content-type': 'image/png' }, body, why: 'random bytes as PNG' })),
    fc.tuple(fc.constantFrom(...uploadRoutes), fc.integer({ min: 1, max: validPng.length - 17 })).map(([path, cut]) => ({ method: 'POST', path, headers: { 'content-type': 'image/png' }, body: validPng.slice(0, cut), why: `PNG cut inside its image data or before, at ${cut}` })),
    fc.tuple(fc.constantFrom(...uploadRoutes), fc.string({ maxLength: 40 })).map(([path, s]) => ({ method: 'POST', path, headers: { 'content-type': 'multipart/form-data; boundary=zz' }, body: `--zz\r\n${s}`, why: 'broken multipart' })),
    fc.tuple(fc.constantFrom(...uploadRoutes), fc.constantFrom('text/plain', 'application/json', 'application/x-www-form-urlencoded')).map(([path, type]) => ({ method: 'POST', path, headers: { 'content-type': type }, body: 'x', why: 'upload route without an image' })),
    fc.webPath().map((p) => ({ method: 'GET', path: `/nope${p}`.slice(0, 200), headers: {}, why: 'unknown route' })),
    fc.tuple(fc.constantFrom('PUT', 'DELETE', 'PATCH'), fc.constantFrom(...jsonRoutes, '/v1/model')).map(([method, path]) => ({ method, path, headers: json, body: '{}', why: `${method} on a known route` })),
    fc.string({ minLength: 1, maxLength: 20 }).filter((n) => n !== 'Smiling').map((name) => ({ method: 'POST', path: `/v1/attributes/${encodeURIComponent(name)}`, headers: json, body: '{}', why: 'unknown attribute' })),
    fc.constantFrom(...jsonRoutes).map((path) => ({ method: 'POST', path, headers: json, body: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }), why: 'body over the limit' })),
  );
}
