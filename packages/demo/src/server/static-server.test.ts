import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get } from 'node:http';
import { startStaticServer } from './static-server.ts';

async function fixture() {
  const dir = await mkdtemp(join(tmpdir(), 'lk-static-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>x</title>');
  await writeFile(join(dir, 'a.wasm'), new Uint8Array([0, 97, 115, 109]));
  await writeFile(join(dir, 'b.mjs'), 'export {}');
  await mkdir(join(dir, 'bundle'));
  await writeFile(join(dir, 'bundle', 'manifest.json'), '{}');
  await writeFile(join(dir, 'secret.txt'), 'no');
  return dir;
}

test('serves wasm and mjs with their MIME types, plus COOP/COEP, CORS and CORP headers', async () => {
  const dir = await fixture();
  const server = await startStaticServer({ mounts: [{ prefix: '/', dir }], port: 0 });
  try {
    const wasm = await fetch(`${server.url}/a.wasm`);
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    assert.equal(wasm.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(wasm.headers.get('cross-origin-embedder-policy'), 'require-corp');
    assert.equal(wasm.headers.get('access-control-allow-origin'), '*');
    assert.equal(wasm.headers.get('cross-origin-resource-policy'), 'cross-origin');
    assert.deepEqual([...new Uint8Array(await wasm.arrayBuffer())], [0, 97, 115, 109]);
    const mjs = await fetch(`${server.url}/b.mjs`);
    assert.match(mjs.headers.get('content-type') ?? '', /^text\/javascript/);
    await mjs.arrayBuffer();
    const index = await fetch(`${server.url}/`);
    assert.match(await index.text(), /<title>x<\/title>/);
  } finally {
    await server.close();
    await rm(dir, { recursive: true });
  }
});

test('without isolation it omits COOP/COEP but still allows other origins', async () => {
  const dir = await fixture();
  const server = await startStaticServer({ mounts: [{ prefix: '/', dir }], port: 0, crossOriginIsolated: false });
  try {
    const res = await fetch(`${server.url}/index.html`);
    await res.text();
    assert.equal(res.headers.get('cross-origin-opener-policy'), null);
    assert.equal(res.headers.get('cross-origin-embedder-policy'), null);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
  } finally {
    await server.close();
    await rm(dir, { recursive: true });
  }
});

test('mounts, allow filters, traversal, 304 revalidation and the request log', async () => {
  const dir = await fixture();
  const server = await startStaticServer({
    mounts: [
      { prefix: '/', dir: join(dir, 'bundle') },
      { prefix: '/runs/', dir, allow: (rel) => rel.startsWith('bundle/') },
    ],
    json: { '/demo-config.json': { bundle: '/bundle/' } },
    port: 0,
  });
  try {
    const status = async (path: string) => {
      const res = await fetch(`${server.url}${path}`);
      await res.arrayBuffer();
      return res.status;
    };
    assert.equal(await status('/runs/bundle/manifest.json'), 200);
    assert.equal(await status('/runs/secret.txt'), 404);
    // fetch() normalises "..", so send the raw path over HTTP.
    const raw = await new Promise<number>((done, fail) => {
      get({ host: '127.0.0.1', port: server.port, path: '/../secret.txt' }, (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      }).on('error', fail);
    });
    assert.equal(raw, 404);
    assert.deepEqual(await (await fetch(`${server.url}/demo-config.json`)).json(), { bundle: '/bundle/' });
    const first = await fetch(`${server.url}/manifest.json`);
    await first.text();
    const again = await fetch(`${server.url}/manifest.json`, { headers: { 'If-Modified-Since': first.headers.get('last-modified') ?? '' } });
    assert.equal(again.status, 304);
    assert.deepEqual(
      server.requests.map((r) => `${r.status} ${r.path}`),
      ['200 /runs/bundle/manifest.json', '404 /runs/secret.txt', '404 /../secret.txt', '200 /demo-config.json', '200 /manifest.json', '304 /manifest.json'],
    );
  } finally {
    await server.close();
    await rm(dir, { recursive: true });
  }
});
