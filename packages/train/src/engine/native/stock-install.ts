/**
 * Route 1 of `pnpm engine native`: tfjs-node's own install script (downloads Google's libtensorflow
 * 2.9.1 archive, then a prebuilt addon or a build), run on a copy of the package in the staging
 * folder, never in node_modules (the script rewrites package.json, a hard link into pnpm's store).
 * Where storage.googleapis.com is out of reach it would hang in retries, so a HEAD request with a
 * 5 s timeout decides first: this route then fails in well under a second here.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { delimiter, dirname, join, relative, sep } from 'node:path';
import { ADDON_FILE, napiDirName } from './paths.ts';

const REACH_TIMEOUT_MS = 5_000;

/** The archive install.js fetches on linux-x64 (its TFJS_NODE_* overrides honoured). */
export function libtensorflowUrl(): string {
  const host = process.env.TFJS_NODE_CDN_STORAGE ?? 'https://storage.googleapis.com/';
  const base = process.env.TFJS_NODE_BASE_URI ?? `${host}tensorflow/libtensorflow/libtensorflow-`;
  return `${base}cpu-linux-x86_64-2.9.1.tar.gz`;
}

export async function stockInstall(pkgDir: string, stageDir: string, log: (msg: string) => void): Promise<{ source: string }> {
  const url = libtensorflowUrl();
  try {
    const res = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(REACH_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    throw new Error(`${new URL(url).host} is not reachable (${e.cause?.code ?? e.cause?.message ?? e.message})`);
  }
  log(`running tfjs-node's install script (downloads ${url})`);
  // The package without node_modules and without our links (lib, deps).
  cpSync(pkgDir, stageDir, {
    recursive: true,
    dereference: true,
    filter: (src) => !['node_modules', 'lib', 'deps'].includes(relative(pkgDir, src).split(sep)[0]!),
  });
  const depsRoot = dirname(dirname(pkgDir)); // pnpm puts the package's dependencies beside it
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      ['scripts/install.js'],
      {
        cwd: stageDir,
        timeout: 20 * 60_000,
        maxBuffer: 64 << 20,
        env: { ...process.env, NODE_PATH: depsRoot, PATH: `${join(pkgDir, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}` },
      },
      (error, _stdout, stderr) => (error ? reject(new Error(`install.js failed: ${stderr.trim().split('\n').slice(-2).join(' ')}`)) : resolve()),
    );
  });
  if (!existsSync(join(stageDir, 'lib', napiDirName(pkgDir), ADDON_FILE))) {
    throw new Error('install.js finished but left no addon (it hides build errors)');
  }
  for (const name of readdirSync(stageDir)) {
    if (name !== 'lib' && name !== 'deps') rmSync(join(stageDir, name), { recursive: true, force: true });
  }
  return { source: url };
}
