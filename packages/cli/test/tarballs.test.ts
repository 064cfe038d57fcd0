/**
 * The packages as a stranger installs them: every workspace package is built and packed
 * (`pnpm pack`, scripts/pack/pack.mjs), and the tarballs are installed into a scratch project in the
 * OS temp folder, with third-party packages from the npm registry and no link into this workspace.
 * In that project: `npx latentkit train` (a tiny real run) and `npx latentkit export`, then
 * `npx latentkit serve` (sessions on its worker thread; stopped with SIGTERM: exit 0, nothing left running), a user's Node script,
 * a user's Vite app in Chromium, a user's Workers module in workerd, and `npx latentkit demo`.
 *
 * LATENTKIT_SCRATCH=/some/dir keeps the scratch project there and reuses it when already installed
 * (for working on this test; the packages are then not rebuilt).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { startStaticServer, type RunningServer } from '@latentkit/demo';
import { packAll } from '../../../scripts/pack/pack.mjs';
import { groupMembers, killAll, leftOver, memberPid, run, start, stopGroup, userEnv, type Started } from './processes.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..');
const CHROMIUM = process.env.LATENTKIT_CHROMIUM ?? '/usr/bin/chromium';
const MINUTE = 60_000;

const keep = process.env.LATENTKIT_SCRATCH;
let work: string;
let scratch: string;
const timings: Record<string, number> = {};
const t0 = performance.now();

async function timed<T>(name: string, f: () => Promise<T> | T): Promise<T> {
  const t = performance.now();
  try {
    return await f();
  } finally {
    timings[name] = (performance.now() - t) / 1000;
  }
}

/** Third-party versions as the workspace pins them (the tarballs' own ranges resolve the rest). */
function workspaceVersion(pkgDir: string, dep: string): string {
  const m = JSON.parse(readFileSync(join(ROOT, pkgDir, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
  const v = m.dependencies?.[dep] ?? m.devDependencies?.[dep];
  if (!v) throw new Error(`${pkgDir}/package.json does not name ${dep}`);
  return v;
}

function writeScratchProject(dir: string, tarballs: { name: string; tarball: string }[]): void {
  const file = (name: string) => `file:${tarballs.find((t) => t.name === name)!.tarball}`;
  const own = Object.fromEntries(tarballs.map((t) => [t.name, file(t.name)]));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'latentkit-scratch',
        private: true,
        type: 'module',
        dependencies: {
          latentkit: file('latentkit'),
          '@latentkit/runtime': file('@latentkit/runtime'),
          '@latentkit/demo': file('@latentkit/demo'),
          // what the user's own code uses: sharp for the PNG, onnxruntime-web for the Worker's .wasm
          sharp: workspaceVersion('packages/runtime', 'sharp'),
          'onnxruntime-web': workspaceVersion('packages/runtime', 'onnxruntime-web'),
          vite: workspaceVersion('packages/demo', 'vite'),
          esbuild: workspaceVersion('packages/runtime', 'esbuild'),
          workerd: workspaceVersion('packages/runtime', 'workerd'),
          typescript: workspaceVersion('.', 'typescript'),
        },
      },
      null,
      2,
    ),
  );
  // The tarballs depend on each other by version (pnpm pack wrote them): point those at the files.
  // Install scripts as in the workspace: none that downloads from outside npm.
  writeFileSync(
    join(dir, 'pnpm-workspace.yaml'),
    [
      'overrides:',
      ...Object.entries(own).map(([name, spec]) => `  '${name}': '${spec}'`),
      'allowBuilds:',
      '  onnxruntime-node: false',
      "  '@tensorflow/tfjs-node': false",
      "  '@tensorflow/tfjs-node-gpu': false",
      '  protobufjs: false',
      '  core-js: false',
      '  workerd: false',
      '  sharp: true',
      '  esbuild: true',
      '  webgpu: true',
      '',
    ].join('\n'),
  );
}

before(
  async () => {
    if (keep && existsSync(join(keep, 'project', 'node_modules', 'latentkit'))) {
      work = keep;
      scratch = join(keep, 'project');
      return;
    }
    work = keep ?? mkdtempSync(join(tmpdir(), 'latentkit-tarballs-'));
    mkdirSync(work, { recursive: true });
    scratch = join(work, 'project');
    mkdirSync(scratch, { recursive: true });
    const tarballs = await timed('build + pack', () => packAll({ out: join(work, 'tarballs'), log: () => {} }));
    writeScratchProject(scratch, tarballs);
    await timed('install', () => run('pnpm', ['install', '--prefer-offline'], { cwd: scratch, ms: 5 * MINUTE }));
  },
  { timeout: 10 * MINUTE },
);

after(() => {
  killAll();
  const total = (performance.now() - t0) / 1000;
  console.log(`tarball test: ${total.toFixed(1)} s (${Object.entries(timings).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')})`);
  if (!keep && work) rmSync(work, { recursive: true, force: true });
});

const npx = (args: string[], ms: number) => run('npx', ['--no', 'latentkit', ...args], { cwd: scratch, ms });

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

describe('the packed packages in a scratch project', () => {
  test('installs from the tarballs: no link into the workspace, code from dist/', () => {
    const cli = realpathSync(join(scratch, 'node_modules', 'latentkit'));
    for (const name of ['latentkit', '@latentkit/runtime', '@latentkit/demo', '@latentkit/train', '@latentkit/export']) {
      // pnpm puts a package's dependencies beside it: the CLI's are the other four
      const real = name === 'latentkit' ? cli : realpathSync(join(cli, '..', name));
      assert.ok(!real.startsWith(ROOT), `${name} resolves to ${real}, inside the workspace`);
      const manifest = JSON.parse(readFileSync(join(real, 'package.json'), 'utf8')) as { exports: unknown; dependencies?: Record<string, string> };
      assert.doesNotMatch(JSON.stringify(manifest.exports), /\/src\//, `${name}'s exports point at sources`);
      assert.ok(!Object.values(manifest.dependencies ?? {}).some((v) => v.startsWith('workspace:')), `${name} still has workspace: versions`);
      assert.ok(!existsSync(join(real, 'src')), `${name} ships its sources`);
    }
  });

  test('npx latentkit train (a tiny real run) and npx latentkit export write a run and its ONNX bundle', { timeout: 4 * MINUTE }, async () => {
    rmSync(join(scratch, 'runs'), { recursive: true, force: true }); // (a kept scratch project's earlier run)
    await timed('train', () => npx(['train', '--model', 'vae', '--epochs', '1', '--limit', '200', '--batch', '50', '--engine', 'wasm', '--out', 'runs/tiny'], 3 * MINUTE));
    assert.ok(existsSync(join(scratch, 'runs', 'tiny', 'manifest.json')), 'train wrote runs/tiny/manifest.json');
    const out = await timed('export', () => npx(['export', '--run', 'runs/tiny'], MINUTE));
    for (const f of ['manifest.json', 'decoder.onnx', 'encoder.onnx']) assert.ok(existsSync(join(scratch, 'runs', 'tiny', 'bundle', f)), `bundle/${f} missing:\n${out}`);
  });

  test('npx latentkit serve answers, then drains and exits 0 on SIGTERM to its PID; nothing is left running', { timeout: 2 * MINUTE }, async () => {
    const server = start('npx', ['--no', 'latentkit', 'serve', '--run', 'runs/tiny', '--port', '0'], { cwd: scratch });
    try {
      const [, url] = await server.waitFor(/listening on (http:\/\/\S+)/, MINUTE);
      // The packed runtime starts its onnxruntime worker from dist/node/session-worker.js (no fallback).
      assert.match(server.output(), /cpu on the worker thread/, server.output());
      const res = await fetch(`${url}/v1/sample`, { method: 'POST', body: JSON.stringify({ n: 2, seed: 1 }), headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { z: number[][]; images: { shape: number[] } };
      assert.equal(body.z.length, 2);
      assert.equal(body.images.shape[0], 2);
      // The PID a process manager holds: the node process running the bin (npx starts it).
      const pid = memberPid(server.child, /latentkit\/dist\/main\.js serve/);
      assert.ok(pid, `no latentkit process in the group:\n${groupMembers(server.child).join('\n')}`);
      process.kill(pid, 'SIGTERM');
      assert.equal(await server.exited, 0, `exit code of npx latentkit serve after SIGTERM:\n${server.output()}`);
      assert.ok(!(await fetch(`${url}/healthz`).then(() => true, () => false)), 'the server still answers after exiting');
    } finally {
      await stopGroup(server);
    }
    assert.deepEqual(await leftOver(server.child), [], 'processes of npx latentkit serve left running');
  });

  test('Node: a user script loads the bundle, samples, decodes and writes a PNG', { timeout: MINUTE }, async () => {
    cpSync(join(HERE, 'scratch', 'node-app.mjs'), join(scratch, 'node-app.mjs'));
    const out = await timed('node app', () => run(process.execPath, ['node-app.mjs', 'runs/tiny/bundle', 'samples.png'], { cwd: scratch, ms: MINUTE }));
    const result = JSON.parse(out.trim().split('\n').pop()!) as { provider: string; kind: string; shape: number[]; maxDiff: number };
    assert.equal(result.provider, 'cpu');
    assert.equal(result.kind, 'vae');
    assert.equal(result.shape[0], 4);
    assert.ok(result.maxDiff < 1e-6, `decode(z) differs from sample()'s images by ${result.maxDiff}`);
    const png = readFileSync(join(scratch, 'samples.png'));
    assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
    assert.equal(png.readUInt32BE(16), 4 * result.shape[2], 'PNG width: four images side by side');
  });

  test('TypeScript: a strict project type-checks against the packed .d.ts', { timeout: MINUTE }, async () => {
    cpSync(join(HERE, 'scratch', 'types-check.mts'), join(scratch, 'types-check.mts'));
    const options = { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: true, lib: ['es2023', 'dom'], types: [] };
    writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: ['types-check.mts'] }));
    await timed('tsc', () => run(join(scratch, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: scratch, ms: MINUTE }));
  });

  describe('Vite: a user app importing the web runtime and the custom elements', () => {
    let site: RunningServer | undefined;
    let browser: Browser | undefined;
    after(async () => {
      await browser?.close();
      await site?.close();
    });

    test('vite build, then the page decodes in headless Chromium (runtime and <latent-sample>)', { timeout: 3 * MINUTE }, async () => {
      const app = join(scratch, 'vite-app');
      cpSync(join(HERE, 'scratch', 'vite-app'), app, { recursive: true });
      await timed('vite build', () => run('npx', ['--no', 'vite', 'build', 'vite-app', '--logLevel', 'warn'], { cwd: scratch, ms: 2 * MINUTE }));
      const built = readdirSync(join(app, 'dist'), { recursive: true }).map(String);
      const js = built.filter((f) => f.endsWith('.js') || f.endsWith('.mjs')).map((f) => readFileSync(join(app, 'dist', f), 'utf8')).join('\n');
      for (const node of ['onnxruntime-node', 'sharp', 'node:fs']) assert.ok(!js.includes(node), `the browser build mentions ${node}`);
      assert.ok(built.some((f) => f.endsWith('.wasm')), `no onnxruntime-web .wasm among the built files: ${built.join(', ')}`);

      site = await startStaticServer({ port: 0, crossOriginIsolated: false, mounts: [{ prefix: '/', dir: join(app, 'dist') }, { prefix: '/bundle/', dir: join(scratch, 'runs', 'tiny', 'bundle') }] });
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await timed('chromium', async () => {
        await page.goto(`${site!.url}/`);
        await page.waitForFunction(() => 'elementResult' in window || 'elementError' in window, undefined, { timeout: 2 * MINUTE });
      });
      const { runtimeResult, elementError } = (await page.evaluate(() => ({
        runtimeResult: (window as unknown as { runtimeResult: Record<string, unknown> }).runtimeResult,
        elementError: (window as unknown as { elementError?: string }).elementError,
      }))) as { runtimeResult: { provider?: string; shape?: number[]; min?: number; max?: number; error?: string }; elementError?: string };
      assert.equal(elementError, undefined, `<latent-sample> failed: ${elementError}`);
      assert.equal(runtimeResult.error, undefined, runtimeResult.error);
      assert.equal(runtimeResult.provider, 'wasm');
      assert.equal(runtimeResult.shape?.[0], 2);
      assert.ok(runtimeResult.max! > runtimeResult.min!, 'decoded images are not constant');
      // The element drew its samples: every canvas is painted (opaque), and not all one grey (the
      // tiny run's samples are faint blobs, so any spread at all).
      const drawn = await page.evaluate(() => {
        const canvases = [...document.querySelector('latent-sample')!.shadowRoot!.querySelectorAll('canvas')];
        let lo = 255;
        let hi = 0;
        let painted = 0;
        for (const c of canvases) {
          const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          if (d[3] === 255) painted++;
          for (let i = 0; i < d.length; i += 4) (lo = Math.min(lo, d[i])), (hi = Math.max(hi, d[i]));
        }
        return { canvases: canvases.length, painted, spread: hi - lo };
      });
      assert.ok(drawn.canvases === 4 && drawn.painted === 4 && drawn.spread > 0, `the element's canvases: ${JSON.stringify(drawn)}`);
      assert.deepEqual(errors, []);
    });
  });

  test('Workers: a user module with the Hono app runs in workerd; stopping it leaves nothing running', { timeout: 2 * MINUTE }, async () => {
    const dir = join(scratch, 'worker');
    cpSync(join(HERE, 'scratch', 'worker'), dir, { recursive: true });
    mkdirSync(join(dir, 'dist'), { recursive: true });
    // wrangler would bundle with esbuild and these conditions; the .wasm and the bundle become modules.
    await timed('esbuild worker', () =>
      run('npx', ['--no', 'esbuild', 'worker/worker.js', '--bundle', '--format=esm', '--platform=browser', '--conditions=workerd,worker,browser', '--target=es2022',
        '--external:ort.wasm', '--external:decoder.onnx', '--external:encoder.onnx', '--external:manifest.json', '--outfile=worker/dist/worker.js', '--log-level=warning'], { cwd: scratch, ms: MINUTE }),
    );
    const bundled = readFileSync(join(dir, 'dist', 'worker.js'), 'utf8');
    for (const node of ['onnxruntime-node', 'sharp']) assert.ok(!bundled.includes(`from "${node}"`) && !bundled.includes(`("${node}")`), `the Worker bundle imports ${node}`);
    cpSync(join(scratch, 'node_modules', 'onnxruntime-web', 'dist', 'ort-wasm-simd-threaded.wasm'), join(dir, 'dist', 'ort-wasm-simd-threaded.wasm'));
    for (const f of ['decoder.onnx', 'encoder.onnx', 'manifest.json']) cpSync(join(scratch, 'runs', 'tiny', 'bundle', f), join(dir, 'dist', f));

    const requireFromWorkerd = createRequire(realpathSync(join(scratch, 'node_modules', 'workerd', 'package.json')));
    const binary = join(dirname(requireFromWorkerd.resolve('@cloudflare/workerd-linux-64/package.json')), 'bin', 'workerd');
    const port = await freePort();
    const workerd = start(binary, ['serve', join(dir, 'config.capnp'), '--socket-addr', `http=127.0.0.1:${port}`], { cwd: dir, env: userEnv() });
    const url = `http://127.0.0.1:${port}`;
    try {
      let up = false;
      for (let i = 0; i < 150 && !up; i++) {
        await new Promise((r) => setTimeout(r, 100));
        up = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
        assert.equal(workerd.child.exitCode, null, `workerd exited:\n${workerd.output()}`);
      }
      assert.ok(up, `workerd did not answer:\n${workerd.output()}`);
      const res = await fetch(`${url}/v1/sample`, { method: 'POST', body: JSON.stringify({ n: 2, seed: 4 }), headers: { 'content-type': 'application/json' } });
      const body = (await res.json()) as { z: number[][]; images: { shape: number[]; data: number[] } };
      assert.equal(res.status, 200, JSON.stringify(body).slice(0, 300));
      assert.equal(body.images.shape[0], 2);
      assert.ok(Math.max(...body.images.data) > Math.min(...body.images.data));
      const png = await fetch(`${url}/v1/decode`, { method: 'POST', body: JSON.stringify({ z: [body.z[0]] }), headers: { accept: 'image/png' } });
      assert.equal(png.headers.get('content-type'), 'image/png');
      assert.equal((await fetch(`${url}/v1/model`).then((r) => r.json()) as { provider: string }).provider, 'wasm');
    } finally {
      await stopGroup(workerd, 2000);
    }
    assert.deepEqual(await leftOver(workerd.child), [], 'workerd processes left running');
  });

  test('npx latentkit demo serves the explorer built into the package, with the run\'s bundle', { timeout: MINUTE }, async () => {
    const demo: Started = start('npx', ['--no', 'latentkit', 'demo', '--run', 'runs/tiny', '--port', '0'], { cwd: scratch });
    try {
      const [, url] = await demo.waitFor(/site:\s+(http:\/\/\S+?)\/?\s/, 30_000);
      const page = await fetch(`${url}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<html/i);
      assert.equal((await fetch(`${url}/bundle/manifest.json`)).status, 200);
      assert.equal((await fetch(`${url}/elements/latent-elements.js`)).status, 200);
    } finally {
      await stopGroup(demo);
    }
    assert.deepEqual(await leftOver(demo.child), [], 'processes of npx latentkit demo left running');
  });
});
