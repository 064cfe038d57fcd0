/**
 * Route 2 of `pnpm engine native`: tfjs-node's addon compiled from its own sources (binding/,
 * binding.gyp) against the TensorFlow C library of a pip wheel (tensorflow-lib.ts), in a staging
 * folder that becomes the cache entry (cache.ts). The same thing tfjs-node's install script does with a
 * `tf-lib` entry in custom-binary.json, run directly: that script hides compiler errors and rewrites
 * its package.json in place, which under pnpm is a hard link into the store.
 *
 * Needs g++ and make; uses the machine's Node headers (`--nodedir`, next to the node binary) when
 * present, so node-gyp downloads nothing. ~35-50 s on 2 cores. node-gyp is the one npm ships (found by
 * node-pre-gyp).
 */
import { execFile } from 'node:child_process';
import { closeSync, cpSync, existsSync, openSync, readFileSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { stageTensorFlow, type StagedTensorFlow } from './tensorflow-lib.ts';

const run = promisify(execFile);

/** The package files the build reads; everything else of the package is not needed. */
const SOURCES = ['binding', 'binding.gyp', 'package.json'];

export async function buildAddonFromSource(pkgDir: string, stageDir: string, log: (msg: string) => void): Promise<StagedTensorFlow> {
  await requireTools();
  for (const name of SOURCES) cpSync(join(pkgDir, name), join(stageDir, name), { recursive: true, dereference: true });
  const tensorflow = await stageTensorFlow(join(stageDir, 'deps'), log);
  log(`TensorFlow C library: ${tensorflow.source}`);

  const nodePreGyp = createRequire(join(pkgDir, 'package.json')).resolve('@mapbox/node-pre-gyp/bin/node-pre-gyp');
  const args = [nodePreGyp, 'install', '--build-from-source'];
  const nodeDir = dirname(dirname(process.execPath));
  if (existsSync(join(nodeDir, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${nodeDir}`);
  const logFile = join(stageDir, 'build.log');
  const started = performance.now();
  log(`compiling tfjs-node's binding with node-gyp${args.at(-1)!.startsWith('--nodedir') ? ` (Node headers from ${nodeDir}/include/node)` : ''}`);
  const fd = openSync(logFile, 'w');
  try {
    await new Promise<void>((resolve, reject) => {
      const child = execFile(process.execPath, args, { cwd: stageDir, timeout: 15 * 60_000 }, (error) => (error ? reject(error) : resolve()));
      child.stdout?.on('data', (d) => writeTo(fd, d));
      child.stderr?.on('data', (d) => writeTo(fd, d));
    });
  } catch (error) {
    const tail = readFileSync(logFile, 'utf8').split('\n').filter((l) => /error|Error|ERR!/.test(l)).slice(0, 6).join('\n    ');
    throw new Error(`compiling the addon failed (${(error as Error).message.split('\n')[0]}):\n    ${tail}`);
  } finally {
    closeSync(fd);
  }
  log(`compiled in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // The cache keeps lib/ (the addon) and deps/lib/ (what it loads); sources, objects and headers go.
  for (const name of readdirSync(stageDir)) {
    if (name !== 'lib' && name !== 'deps') rmSync(join(stageDir, name), { recursive: true, force: true });
  }
  rmSync(join(stageDir, 'deps', 'include'), { recursive: true, force: true });
  return tensorflow;
}

function writeTo(fd: number, data: Buffer | string): void {
  if (typeof data === 'string') writeSync(fd, data);
  else writeSync(fd, data);
}

async function requireTools(): Promise<void> {
  const missing: string[] = [];
  for (const tool of ['make', 'g++']) {
    try {
      await run(tool, ['--version']);
    } catch {
      missing.push(tool);
    }
  }
  if (missing.length) throw new Error(`no ${missing.join(' or ')} on PATH (Debian: apt-get install g++ make)`);
}
