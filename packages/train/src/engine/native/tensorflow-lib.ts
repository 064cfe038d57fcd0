/**
 * The TensorFlow C library for a source build of tfjs-node, staged as `<deps>/lib` (the two shared
 * libraries plus the `-ltensorflow -ltensorflow_framework` link names that tfjs-node's binding.gyp
 * asks for) and `<deps>/include` (headers, needed only while compiling).
 *
 * pip's TensorFlow wheels carry this library: `tensorflow/libtensorflow_cc.so.2` exports every TF_* /
 * TFE_* function tfjs-node's binding calls, `libtensorflow_framework.so.2` comes with it, and the
 * headers are under `tensorflow/include/`. Where it comes from, first found wins:
 *   1. $LATENTKIT_TF_PACKAGE_DIR: any installed `tensorflow` package folder (e.g. a GPU wheel's);
 *   2. the reference venv of scripts/python/env.sh ($LATENTKIT_PY_ENV, default
 *      ~/.cache/latentkit/py-reference) when it holds tensorflow-cpu at the pinned version;
 *   3. `pip download --no-deps --only-binary=:all: tensorflow-cpu==<pinned>` (pip's configured
 *      indexes; 262 MB), of which only the libraries and 14 headers are unpacked.
 * Libraries are hard-linked where the file system allows (no 853 MB copy), else copied.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TENSORFLOW_WHEEL, cacheRoot } from './paths.ts';

const run = promisify(execFile);

export interface StagedTensorFlow {
  /** The wheel's version, e.g. "2.21.0" (the addon reports the library's own TF_Version later). */
  version: string;
  /** Human-readable origin, for the log and provenance.json. */
  source: string;
}

const LIBRARIES = ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'] as const;
/** Header folders the binding includes (c_api.h and what it pulls in), inside the wheel's tensorflow/include. */
const HEADER_PREFIXES = ['tensorflow/c/', 'tensorflow/core/platform/ctstring', 'tsl/platform/ctstring', 'xla/tsl/c/'];

export async function stageTensorFlow(depsDir: string, log: (msg: string) => void): Promise<StagedTensorFlow> {
  const libDir = join(depsDir, 'lib');
  mkdirSync(libDir, { recursive: true });
  const installed = findInstalledTensorFlow();
  let staged: StagedTensorFlow;
  if (installed) {
    for (const lib of LIBRARIES) linkOrCopy(join(installed.dir, lib), join(libDir, lib));
    symlinkSync(join(installed.dir, 'include'), join(depsDir, 'include'), 'dir');
    staged = { version: installed.version, source: installed.source };
  } else {
    staged = await downloadAndUnpackWheel(depsDir, log);
  }
  symlinkSync('libtensorflow_cc.so.2', join(libDir, 'libtensorflow.so'));
  symlinkSync('libtensorflow_framework.so.2', join(libDir, 'libtensorflow_framework.so'));
  return staged;
}

interface InstalledTensorFlow {
  dir: string;
  version: string;
  source: string;
}

function findInstalledTensorFlow(): InstalledTensorFlow | undefined {
  const explicit = process.env.LATENTKIT_TF_PACKAGE_DIR;
  if (explicit) {
    if (!LIBRARIES.every((l) => existsSync(join(explicit, l)))) {
      throw new Error(`LATENTKIT_TF_PACKAGE_DIR=${explicit} lacks ${LIBRARIES.join(' or ')} (point it at an installed wheel's tensorflow/ folder)`);
    }
    return { dir: explicit, version: wheelVersion(join(explicit, '..')) ?? 'unknown', source: `${explicit} (LATENTKIT_TF_PACKAGE_DIR)` };
  }
  const venv = process.env.LATENTKIT_PY_ENV ?? join(cacheRoot(), 'py-reference');
  let pythons: string[] = [];
  try {
    pythons = readdirSync(join(venv, 'lib')).filter((d) => d.startsWith('python3'));
  } catch {
    return undefined;
  }
  for (const py of pythons) {
    const site = join(venv, 'lib', py, 'site-packages');
    const dir = join(site, 'tensorflow');
    const dist = `${TENSORFLOW_WHEEL.name.replace('-', '_')}-${TENSORFLOW_WHEEL.version}.dist-info`;
    if (existsSync(join(site, dist)) && LIBRARIES.every((l) => existsSync(join(dir, l)))) {
      return { dir, version: TENSORFLOW_WHEEL.version, source: `${TENSORFLOW_WHEEL.name} ${TENSORFLOW_WHEEL.version} installed in ${venv}` };
    }
  }
  return undefined;
}

/** "2.21.0" from a site-packages folder's tensorflow*-2.21.0.dist-info, if there is one. */
function wheelVersion(site: string): string | undefined {
  try {
    const dist = readdirSync(site).find((d) => /^tensorflow(_cpu|_gpu)?-[\d.]+\.dist-info$/.test(d));
    return dist?.match(/-([\d.]+)\.dist-info$/)?.[1];
  } catch {
    return undefined;
  }
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** pip's configured extra indexes named directly: pip otherwise retries its default index first (~10 s). */
async function pipIndexArgs(): Promise<string[]> {
  try {
    const { stdout } = await run('python3', ['-m', 'pip', 'config', 'get', 'global.extra-index-url']);
    const urls = stdout.trim().split(/\s+/).filter(Boolean);
    return urls.length ? ['--index-url', urls[0]!, ...urls.slice(1).flatMap((u) => ['--extra-index-url', u])] : [];
  } catch {
    return [];
  }
}

async function downloadAndUnpackWheel(depsDir: string, log: (msg: string) => void): Promise<StagedTensorFlow> {
  const spec = `${TENSORFLOW_WHEEL.name}==${TENSORFLOW_WHEEL.version}`;
  mkdirSync(cacheRoot(), { recursive: true });
  const tmp = mkdtempSync(join(cacheRoot(), '.tensorflow-wheel-'));
  try {
    const started = performance.now();
    log(`fetching the ${spec} wheel with pip download (262 MB, pip's configured index)`);
    try {
      await run('python3', ['-m', 'pip', 'download', '-q', '--no-deps', '--only-binary=:all:', '--dest', tmp, ...(await pipIndexArgs()), spec], {
        timeout: 15 * 60_000,
        maxBuffer: 64 << 20,
      });
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      const why = (e.stderr ?? e.message).split('\n').map((l) => l.trim()).filter((l) => l && !l.includes('is ignored: it is neither')).slice(-2).join(' ');
      throw new Error(`pip download ${spec} failed: ${why || e.message}`);
    }
    const wheel = readdirSync(tmp).find((f) => f.endsWith('.whl'));
    if (!wheel) throw new Error(`pip download ${spec} left no wheel in ${tmp}`);
    // Python's zipfile: wherever pip runs, it is there (no unzip needed).
    const unpack = `
import sys, zipfile, os, shutil
wheel, deps, libs, prefixes = sys.argv[1], sys.argv[2], sys.argv[3].split(','), sys.argv[4].split(',')
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if not name.startswith('tensorflow/') or name.endswith('/'): continue
        rel = name[len('tensorflow/'):]
        if rel in libs: out = os.path.join(deps, 'lib', rel)
        elif rel.startswith('include/') and any(rel[len('include/'):].startswith(p) for p in prefixes): out = os.path.join(deps, rel)
        else: continue
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with z.open(name) as src, open(out, 'wb') as dst: shutil.copyfileobj(src, dst, 1 << 20)
`;
    await run('python3', ['-c', unpack, join(tmp, wheel), depsDir, LIBRARIES.join(','), HEADER_PREFIXES.join(',')], { timeout: 10 * 60_000 });
    for (const lib of LIBRARIES) {
      if (!existsSync(join(depsDir, 'lib', lib))) throw new Error(`${wheel} holds no tensorflow/${lib}`);
    }
    log(`unpacked ${LIBRARIES.join(' and ')} and the C API headers from ${wheel} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return { version: TENSORFLOW_WHEEL.version, source: `${wheel} (pip download)` };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
