/**
 * Cross-runtime check (run by `pnpm test` after the unit tests): builds worker.ts with esbuild, serves it with the
 * `workerd` npm package's binary on 127.0.0.1, and checks that the edge app answers like the Node one:
 * same latents for a seed, images equal to onnxruntime-node's within 1e-4, PNG output, 4xx errors.
 *
 *   pnpm test:edge            (WORKERD=/path/to/workerd to use another binary)
 */
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { makeBundle } from '../../test/fixtures.ts';
import { LatentModel } from '../../src/node/index.ts';
import { decodePng } from '../../src/common/png.ts';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function findWorkerd(): string {
  if (process.env.WORKERD) return process.env.WORKERD;
  try {
    return join(dirname(require.resolve('@cloudflare/workerd-linux-64/package.json')), 'bin', 'workerd');
  } catch {
    try {
      return join(dirname(require.resolve('workerd/package.json')), 'bin', 'workerd');
    } catch {
      throw new Error(
        'workerd is not installed in this workspace (its ~160 MB binary is an npm package, @cloudflare/workerd-linux-64). Either\n' +
          '  npm install --prefix /tmp/workerd workerd@1.20261117.1 && WORKERD=/tmp/workerd/node_modules/@cloudflare/workerd-linux-64/bin/workerd pnpm test:edge\n' +
          'or add `workerd: false` under allowBuilds in pnpm-workspace.yaml and `pnpm --filter @latentkit/runtime add -D workerd`.',
      );
    }
  }
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

const out = mkdtempSync(join(tmpdir(), 'latentkit-edge-'));
const bundle = await makeBundle({ kind: 'vae', seed: 5 });
const ortWasm = join(here, '../../node_modules/onnxruntime-web/dist');
const t0 = performance.now();
await build({
  entryPoints: [join(here, 'worker.ts')],
  outfile: join(out, 'worker.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  conditions: ['workerd', 'worker', 'browser'],
  target: 'es2022',
  external: ['ort.wasm', 'decoder.onnx', 'encoder.onnx', 'manifest.json'],
  logLevel: 'warning',
  plugins: [
    {
      // The wasm-only onnxruntime-web build with its glue inlined (no WebGPU/JSEP: a Worker has no GPU;
      // no script URL to find the glue by in workerd). The runtime imports it as `onnxruntime-web/wasm`.
      name: 'ort-wasm-only',
      setup(b) {
        b.onResolve({ filter: /^onnxruntime-web(\/wasm)?$/ }, () => ({ path: join(ortWasm, 'ort.wasm.bundle.min.mjs') }));
      },
    },
  ],
});
copyFileSync(join(ortWasm, 'ort-wasm-simd-threaded.wasm'), join(out, 'ort-wasm-simd-threaded.wasm'));
for (const f of ['decoder.onnx', 'encoder.onnx', 'manifest.json']) copyFileSync(join(bundle, f), join(out, f));
writeFileSync(
  join(out, 'config.capnp'),
  `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "ort.wasm", wasm = embed "ort-wasm-simd-threaded.wasm"),
    (name = "decoder.onnx", data = embed "decoder.onnx"),
    (name = "encoder.onnx", data = embed "encoder.onnx"),
    (name = "manifest.json", text = embed "manifest.json"),
  ],
  compatibilityDate = "2025-09-01",
);
`,
);
console.log(`built worker.js in ${(performance.now() - t0).toFixed(0)} ms -> ${out}`);

const workerd = findWorkerd();
if (!existsSync(workerd)) throw new Error(`no workerd binary at ${workerd}`);
const port = await freePort();
// Its own process group, so the cleanup below reaches every process workerd starts, not just the first.
const child = spawn(workerd, ['serve', join(out, 'config.capnp'), '--socket-addr', `http=127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
const killGroup = (signal: NodeJS.Signals) => {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
};
let log = '';
child.stdout.on('data', (d) => (log += d));
child.stderr.on('data', (d) => (log += d));
const url = `http://127.0.0.1:${port}`;
try {
  let up = false;
  for (let i = 0; i < 100 && !up; i++) {
    await new Promise((r) => setTimeout(r, 100));
    up = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (child.exitCode !== null) throw new Error(`workerd exited with ${child.exitCode}:\n${log}`);
  }
  if (!up) throw new Error(`workerd did not answer:\n${log}`);

  const t1 = performance.now();
  const res = await fetch(`${url}/v1/sample`, { method: 'POST', body: JSON.stringify({ n: 4, seed: 9 }), headers: { 'content-type': 'application/json' } });
  const body = (await res.json()) as { z: number[][]; images: { shape: number[]; data: number[] } };
  assert.equal(res.status, 200, JSON.stringify(body).slice(0, 300));
  console.log(`first /v1/sample (loads onnxruntime-web wasm + model): ${(performance.now() - t1).toFixed(0)} ms`);
  const node = await LatentModel.load(bundle, { device: 'cpu' });
  const ref = await node.sample(4, { seed: 9 });
  assert.deepEqual(body.z.flat(), Array.from(ref.z.data), 'same seed, same latents in workerd and Node');
  let worst = 0;
  body.images.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - ref.images.data[i]))));
  assert.ok(worst < 1e-4 + 5e-5, `images differ by ${worst}`);
  console.log(`workerd vs onnxruntime-node: identical latents, images within ${worst.toExponential(1)}`);

  const png = await fetch(`${url}/v1/decode`, { method: 'POST', body: JSON.stringify({ z: [[0, 0]] }), headers: { accept: 'image/png' } });
  assert.equal(png.headers.get('content-type'), 'image/png');
  const img = await decodePng(new Uint8Array(await png.arrayBuffer()));
  assert.deepEqual([img.width, img.height], [32, 32]);
  const bad = await fetch(`${url}/v1/decode`, { method: 'POST', body: JSON.stringify({ z: [[1, 2, 3]] }) });
  assert.equal(bad.status, 400);
  const form = new FormData();
  form.append('image', new Blob([await (await fetch(`${url}/v1/sample?format=png`, { method: 'POST', body: '{}' })).arrayBuffer()], { type: 'image/png' }));
  const enc = await fetch(`${url}/v1/encode`, { method: 'POST', body: form });
  assert.equal(enc.status, 200, await enc.clone().text());
  const info = (await (await fetch(`${url}/v1/model`)).json()) as { provider: string };
  assert.equal(info.provider, 'wasm');

  const t2 = performance.now();
  let n = 0;
  while (performance.now() - t2 < 2000) {
    await (await fetch(`${url}/v1/sample`, { method: 'POST', body: '{"n":1,"includeLatents":false}', headers: { accept: 'image/png' } })).arrayBuffer();
    n++;
  }
  console.log(`workerd: ${(n / ((performance.now() - t2) / 1000)).toFixed(0)} sequential 1-image PNG samples/s`);
  await node.dispose();
  console.log('edge check passed: the Hono app runs in workerd on onnxruntime-web wasm');
} finally {
  // workerd drains on SIGTERM; don't let a slow drain hold the check open.
  const exited = child.exitCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));
  killGroup('SIGTERM');
  const timer = setTimeout(() => killGroup('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
  killGroup('SIGKILL');
  rmSync(out, { recursive: true, force: true });
}
// onnxruntime-node's thread pool and fetch's keep-alive sockets can hold the event loop open.
process.exit(0);
