import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { bundleFolder, serveDemo } from './serve-demo.ts';

test('bundleFolder accepts a run folder or a bundle folder and explains what is missing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lk-serve-'));
  try {
    const run = join(dir, 'vae');
    await mkdir(join(run, 'bundle'), { recursive: true });
    assert.throws(() => bundleFolder(run), /no bundle found .*pnpm export/);
    assert.throws(() => bundleFolder(join(dir, 'nope')), /no such folder/);
    await writeFile(join(run, 'bundle', 'manifest.json'), '{}');
    await writeFile(join(run, 'bundle', 'decoder.onnx'), '');
    assert.equal(bundleFolder(run), join(run, 'bundle'));
    assert.equal(bundleFolder(join(run, 'bundle')), join(run, 'bundle'));
  } finally {
    await rm(dir, { recursive: true });
  }
});

test('serveDemo serves an existing build, the bundle under /bundle/ and /runs/NAME/bundle/, and the page config', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lk-serve-'));
  try {
    const site = join(dir, 'site');
    await mkdir(site);
    await writeFile(join(site, 'index.html'), '<!doctype html><title>site</title>');
    const bundle = join(dir, 'runs', 'vae', 'bundle');
    await mkdir(bundle, { recursive: true });
    await writeFile(join(bundle, 'manifest.json'), '{"kind":"vae"}');
    await writeFile(join(bundle, 'decoder.onnx'), 'onnx');
    const server = await serveDemo({ run: 'runs/vae', cwd: dir, port: 0, build: false, siteDir: site, apiUrl: 'http://api' });
    try {
      assert.equal(server.bundleDir, bundle);
      assert.match(await (await fetch(`${server.url}/`)).text(), /<title>site/);
      assert.deepEqual(await (await fetch(`${server.url}/bundle/manifest.json`)).json(), { kind: 'vae' });
      assert.equal(await (await fetch(`${server.url}/runs/vae/bundle/decoder.onnx`)).text(), 'onnx');
      assert.deepEqual(await (await fetch(`${server.url}/demo-config.json`)).json(), { bundle: '/bundle/', apiUrl: 'http://api' });
    } finally {
      await server.close();
    }
    await assert.rejects(serveDemo({ cwd: dir, port: 0, build: false, siteDir: join(dir, 'missing') }), /No built site/);
  } finally {
    await rm(dir, { recursive: true });
  }
});

test('--precision serves the run\'s bundle-<precision>/ sibling, mounts every precision, and names the export command when one is missing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lk-serve-'));
  try {
    const site = join(dir, 'site');
    await mkdir(site);
    await writeFile(join(site, 'index.html'), '<!doctype html><title>site</title>');
    for (const [folder, precision] of [['bundle', 'fp32'], ['bundle-fp16', 'fp16']]) {
      await mkdir(join(dir, 'runs', 'vae', folder), { recursive: true });
      await writeFile(join(dir, 'runs', 'vae', folder, 'manifest.json'), JSON.stringify({ kind: 'vae', onnx: { precision } }));
      await writeFile(join(dir, 'runs', 'vae', folder, 'decoder.onnx'), precision);
    }
    const server = await serveDemo({ run: 'runs/vae', precision: 'fp16', cwd: dir, port: 0, build: false, siteDir: site });
    try {
      assert.equal(server.bundleDir, join(dir, 'runs', 'vae', 'bundle-fp16'));
      assert.deepEqual(await (await fetch(`${server.url}/demo-config.json`)).json(), { bundle: '/bundle-fp16/' });
      assert.equal(await (await fetch(`${server.url}/bundle-fp16/decoder.onnx`)).text(), 'fp16');
      assert.equal(await (await fetch(`${server.url}/bundle/decoder.onnx`)).text(), 'fp32', 'the fp32 bundle stays at /bundle/');
      assert.equal(await (await fetch(`${server.url}/runs/vae/bundle-fp16/decoder.onnx`)).text(), 'fp16');
      const missing = await fetch(`${server.url}/bundle-int8/manifest.json`);
      assert.equal(missing.status, 404);
      await missing.arrayBuffer();
    } finally {
      await server.close();
    }
    await assert.rejects(
      serveDemo({ run: 'runs/vae', precision: 'int8', cwd: dir, port: 0, build: false, siteDir: site }),
      /--precision int8: no int8 bundle for .*runs\/vae .*Export one: `pnpm export --run runs\/vae --precision int8 --out runs\/vae\/bundle-int8`/,
    );
    await assert.rejects(serveDemo({ run: 'runs/vae', precision: 'FP16', cwd: dir, port: 0, build: false, siteDir: site }), /not a precision name/);
  } finally {
    await rm(dir, { recursive: true });
  }
});

test('a port in use is the caller\'s input: DemoInputError naming the address, not the raw listen error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lk-serve-'));
  const holder = createServer();
  try {
    const site = join(dir, 'site');
    await mkdir(site);
    await writeFile(join(site, 'index.html'), '<!doctype html><title>site</title>');
    await new Promise<void>((done) => holder.listen(0, '127.0.0.1', done));
    const port = (holder.address() as AddressInfo).port;
    await assert.rejects(serveDemo({ cwd: dir, port, build: false, siteDir: site }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'LATENTKIT_DEMO_INPUT');
      assert.equal(e.message, `Cannot listen on 127.0.0.1:${port}: the port is in use; pass another --port (0 = any free port).`);
      return true;
    });
  } finally {
    await new Promise((done) => holder.close(done));
    await rm(dir, { recursive: true });
  }
});
