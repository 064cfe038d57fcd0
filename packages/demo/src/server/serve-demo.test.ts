import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
