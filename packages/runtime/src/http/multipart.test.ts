import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MultipartError, parseMultipart } from './multipart.ts';

test('agrees with undici\'s FormData parser on fields, files and bytes (fast-check, contents with CRLF and dashes)', async () => {
  const withDelimiterLookalike = (b: Uint8Array) => {
    if (b.length >= 8) b.set([0x0d, 0x0a, 0x2d, 0x2d], b.length >> 1);
    return b;
  };
  const part = fc.record({
    field: fc.string({ minLength: 1, maxLength: 12 }),
    file: fc.option(fc.uint8Array({ maxLength: 300 }).map(withDelimiterLookalike), { nil: undefined }),
    text: fc.string({ maxLength: 20 }),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(part, { maxLength: 8 }), async (parts) => {
      const form = new FormData();
      for (const p of parts) {
        if (p.file) form.append(p.field, new Blob([new Uint8Array(p.file)], { type: 'image/png' }), 'a.png');
        else form.append(p.field, p.text);
      }
      const encoded = new Response(form);
      const type = encoded.headers.get('content-type')!;
      const body = new Uint8Array(await encoded.arrayBuffer());
      const got = parseMultipart(body, type, 100);
      const reference = [...(await new Request('http://x/', { method: 'POST', body, headers: { 'content-type': type } }).formData()).entries()];
      assert.equal(got.length, reference.length);
      for (let i = 0; i < got.length; i++) {
        const [name, value] = reference[i];
        assert.equal(got[i].field, name);
        if (typeof value === 'string') {
          assert.equal(got[i].filename, undefined);
          assert.equal(new TextDecoder().decode(got[i].bytes), value);
        } else {
          assert.equal(got[i].filename, value.name);
          assert.equal(got[i].type, value.type);
          assert.deepEqual(got[i].bytes, new Uint8Array(await value.arrayBuffer()));
        }
      }
    }),
    { numRuns: 300 },
  );
});

test('refuses bodies that are not multipart, and stops at maxParts', async () => {
  assert.throws(() => parseMultipart(new TextEncoder().encode('--x\r\nbroken'), 'multipart/form-data; boundary=x', 10), MultipartError);
  assert.throws(() => parseMultipart(new TextEncoder().encode('hello'), 'multipart/form-data; boundary=x', 10), /no boundary delimiter/);
  assert.throws(() => parseMultipart(new Uint8Array(0), 'multipart/form-data', 10), /no boundary parameter/);
  const form = new FormData();
  for (let i = 0; i < 5; i++) form.append(`f${i}`, new Blob([new Uint8Array([i])]), 'x');
  const encoded = new Response(form);
  const type = encoded.headers.get('content-type')!;
  const body = new Uint8Array(await encoded.arrayBuffer());
  assert.throws(() => parseMultipart(body, type, 4), /more than 4 parts/);
  assert.equal(parseMultipart(body, type, 5).length, 5);
});
