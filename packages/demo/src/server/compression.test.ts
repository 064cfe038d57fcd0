/**
 * Content-Encoding: negotiation, precompressed siblings, on-the-fly compression, and the headers
 * caches need (Vary, Content-Length of the encoded body, Cache-Control by kind of file).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get, type IncomingHttpHeaders } from 'node:http';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { negotiateEncoding } from './compression.ts';
import { startStaticServer, type RunningServer } from './static-server.ts';

test('negotiates brotli over gzip, honours q=0, * and identity-only clients', () => {
  assert.equal(negotiateEncoding('gzip, deflate, br, zstd'), 'br');
  assert.equal(negotiateEncoding('gzip'), 'gzip');
  assert.equal(negotiateEncoding('br;q=0, gzip;q=0.5'), 'gzip');
  assert.equal(negotiateEncoding('*'), 'br');
  assert.equal(negotiateEncoding('*;q=0, gzip'), 'gzip');
  assert.equal(negotiateEncoding('identity'), undefined);
  assert.equal(negotiateEncoding(''), undefined);
  assert.equal(negotiateEncoding(undefined), undefined);
});

/** Raw GET (no automatic decompression): status, headers and the bytes as sent. */
function raw(server: RunningServer, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((done, fail) => {
    const req = get({ host: '127.0.0.1', port: server.port, path, headers, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', fail);
    });
    req.on('error', fail);
  });
}

async function fixture() {
  const dir = await mkdtemp(join(tmpdir(), 'lk-compress-'));
  // Compressible but not trivially so: a repeated pattern with noise.
  const wasm = Buffer.alloc(200_000);
  for (let i = 0; i < wasm.length; i++) wasm[i] = (i % 251) ^ (i % 7 === 0 ? 0x5a : 0);
  const ortDir = join(dir, 'ort', '0123456789abcdef');
  await mkdir(ortDir, { recursive: true });
  await writeFile(join(ortDir, 'ort-wasm-simd-threaded.wasm'), wasm);
  // Precompressed siblings, as the build writes them; the marker proves the sibling was sent.
  await writeFile(join(ortDir, 'ort-wasm-simd-threaded.wasm.br'), brotliCompressSync(wasm));
  await writeFile(join(ortDir, 'ort-wasm-simd-threaded.wasm.gz'), gzipSync(wasm));
  await mkdir(join(dir, 'bundle'));
  const manifest = JSON.stringify({ kind: 'vae', pad: 'x'.repeat(4000) });
  await writeFile(join(dir, 'bundle', 'manifest.json'), manifest);
  await writeFile(join(dir, 'small.json'), '{}');
  await writeFile(join(dir, 'image.png'), Buffer.alloc(5000, 1));
  return { dir, wasm, manifest };
}

test('serves the brotli or gzip sibling with Content-Encoding, Vary and the encoded Content-Length', async () => {
  const { dir, wasm } = await fixture();
  const server = await startStaticServer({ mounts: [{ prefix: '/', dir }], port: 0 });
  try {
    const path = '/ort/0123456789abcdef/ort-wasm-simd-threaded.wasm';
    const br = await raw(server, path, { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
    assert.equal(br.status, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers['content-type'], 'application/wasm');
    assert.equal(br.headers['vary'], 'Accept-Encoding');
    assert.equal(Number(br.headers['content-length']), br.body.length);
    assert.ok(br.body.length < wasm.length / 2, `brotli body ${br.body.length} bytes of ${wasm.length}`);
    assert.deepEqual(brotliDecompressSync(br.body), wasm);
    assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable', 'a content-hash folder is immutable');
    assert.deepEqual(server.requests.at(-1), { method: 'GET', path, status: 200, encoding: 'br', bytes: br.body.length });

    const gz = await raw(server, path, { 'Accept-Encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(Number(gz.headers['content-length']), gz.body.length);
    assert.deepEqual(gunzipSync(gz.body), wasm);

    const plain = await raw(server, path);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.headers['vary'], 'Accept-Encoding', 'caches must know the body depends on Accept-Encoding');
    assert.equal(Number(plain.headers['content-length']), wasm.length);
    assert.deepEqual(plain.body, wasm);

    const head = await raw(server, path, { 'Accept-Encoding': 'br' }, 'HEAD');
    assert.equal(head.headers['content-length'], br.headers['content-length']);
    assert.equal(head.body.length, 0);
  } finally {
    await server.close();
    await rm(dir, { recursive: true });
  }
});

test('compresses other files on the fly; bundles revalidate; tiny and already-compressed files go as they are', async () => {
  const { dir, manifest } = await fixture();
  const server = await startStaticServer({ mounts: [{ prefix: '/', dir }], port: 0 });
  try {
    const m = await raw(server, '/bundle/manifest.json', { 'Accept-Encoding': 'br, gzip' });
    assert.equal(m.headers['content-encoding'], 'br');
    assert.equal(Number(m.headers['content-length']), m.body.length);
    assert.equal(brotliDecompressSync(m.body).toString(), manifest);
    assert.equal(m.headers['cache-control'], 'no-cache', 'a bundle revalidates (a re-export must show up)');
    const again = await raw(server, '/bundle/manifest.json', { 'Accept-Encoding': 'br', 'If-Modified-Since': String(m.headers['last-modified']) });
    assert.equal(again.status, 304);
    assert.equal(again.headers['vary'], 'Accept-Encoding');
    assert.equal(again.body.length, 0);
    const gz = await raw(server, '/bundle/manifest.json', { 'Accept-Encoding': 'gzip' });
    assert.equal(gunzipSync(gz.body).toString(), manifest);

    // A re-exported bundle (new bytes, new mtime) is compressed again, not served from memory.
    const next = JSON.stringify({ kind: 'ae', pad: 'y'.repeat(5000) });
    await writeFile(join(dir, 'bundle', 'manifest.json'), next);
    await utimes(join(dir, 'bundle', 'manifest.json'), new Date(), new Date(Date.now() + 5000));
    const fresh = await raw(server, '/bundle/manifest.json', { 'Accept-Encoding': 'br' });
    assert.equal(brotliDecompressSync(fresh.body).toString(), next);

    const small = await raw(server, '/small.json', { 'Accept-Encoding': 'br' });
    assert.equal(small.headers['content-encoding'], undefined);
    assert.equal(small.body.toString(), '{}');
    const png = await raw(server, '/image.png', { 'Accept-Encoding': 'br' });
    assert.equal(png.headers['content-encoding'], undefined);
    assert.equal(png.headers['vary'], undefined);
    assert.equal(png.body.length, 5000);
  } finally {
    await server.close();
    await rm(dir, { recursive: true });
  }
});

test('a stale precompressed sibling (older than its file) is not sent', async () => {
  const { dir } = await fixture();
  const file = join(dir, 'ort', '0123456789abcdef', 'ort-wasm-simd-threaded.wasm');
  const fresh = Buffer.alloc(100_000, 7);
  await writeFile(file, fresh);
  await utimes(file, new Date(), new Date(Date.now() + 60_000));
  const server = await startStaticServer({ mounts: [{ prefix: '/', dir }], port: 0 });
  try {
    const br = await raw(server, '/ort/0123456789abcdef/ort-wasm-simd-threaded.wasm', { 'Accept-Encoding': 'br' });
    assert.deepEqual(brotliDecompressSync(br.body), fresh);
  } finally {
    await server.close();
    await rm(dir, { recursive: true });
  }
});
