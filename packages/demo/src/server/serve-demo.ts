/**
 * serveDemo(): build the site (unless told not to) and serve it with a model bundle.
 *
 *   /                  the site (dist/site)
 *   /bundle/           the chosen run's bundle/ folder (manifest.json, decoder.onnx, …)
 *   /bundle-P/         its sibling bundles of other precisions (bundle-fp16/, bundle-int8/, …)
 *   /runs/NAME/bundle/ every run's bundle under the runs root (?bundle=/runs/NAME/bundle),
 *                      and /runs/NAME/bundle-P/ beside it
 *   /demo-config.json  { bundle, apiUrl } for the page: /bundle/, or /bundle-P/ with `precision`
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { BUNDLE_FOLDER_PATTERN, DEFAULT_BUNDLE_FOLDER } from '@latentkit/format';
import { isBundleDir, newestBundle as newestFormatBundle } from '@latentkit/format/node';
import { DEFAULT_OUT_DIR, PACKAGE_DIR, SITE_ROOT } from '../build/paths.ts';
import { startStaticServer, type RunningServer } from './static-server.ts';
import { bundleFolderName, isPrecision } from '../model/precision.ts';
import { DemoInputError } from '../errors.ts';

export interface ServeDemoOptions {
  /** A run folder (with bundle/) or a bundle folder. Default: the newest runs/* with a valid bundle (manifest createdAt). */
  run?: string;
  /** Default 5173; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Shown on the page as a link (the root `pnpm start` passes the API server's URL). */
  apiUrl?: string;
  /**
   * Build the site first (with Vite). Default: when the site's sources are there (the workspace);
   * the installed package has none and serves the site built into it. False serves `siteDir` as is.
   */
  build?: boolean;
  /** Built site folder (default: the package's dist/site). */
  siteDir?: string;
  /** Send COOP/COEP so wasm threads work (default true). */
  crossOriginIsolated?: boolean;
  /** Where relative paths are resolved (default INIT_CWD, i.e. where `pnpm demo` was typed). */
  cwd?: string;
  /**
   * The bundle precision the page opens (default fp32: the run's `bundle/`); another precision P
   * serves the sibling `bundle-P/` (e.g. `bundle-fp16/`), and refuses to start if there is none.
   */
  precision?: string;
}

export interface DemoServer extends RunningServer {
  /** The bundle folder served at /bundle/, if any. */
  bundleDir?: string;
}

/**
 * Builds the site (unless `build: false`) and serves it with a run's bundle; resolves once listening.
 * @throws DemoInputError (code LATENTKIT_DEMO_INPUT) for a `run` that does not exist or holds no
 *   bundle, a `precision` that is not a name or has no bundle, `build: false` without a built site, or
 *   a port that cannot be listened on (in use, or not allowed).
 */
export async function serveDemo(options: ServeDemoOptions = {}): Promise<DemoServer> {
  const cwd = options.cwd ?? process.env.INIT_CWD ?? process.cwd();
  const siteDir = resolve(options.siteDir ?? DEFAULT_OUT_DIR);
  const precision = options.precision ?? 'fp32';
  if (!isPrecision(precision)) throw new DemoInputError(`--precision ${precision}: not a precision name; use fp32, fp16, int8, … (lower case).`);
  let bundleDir = options.run ? bundleFolder(resolve(cwd, options.run)) : newestBundle(defaultRunsRoot(cwd));
  if (bundleDir && precision !== 'fp32') bundleDir = precisionSibling(bundleDir, precision, options.run);
  else if (!bundleDir && precision !== 'fp32') {
    throw new DemoInputError(`--precision ${precision}: no run to take a ${bundleFolderName(precision)}/ from. Pass --run runs/NAME.`);
  }
  // Every bundle of the run, by folder name: bundle/ (fp32), bundle-fp16/, bundle-int8/, …
  // (Only when the chosen folder is one of them: a bundle folder passed by another name stands alone.)
  const found = bundleDir ? precisionBundles(dirname(bundleDir)) : [];
  const siblings = bundleDir && found.includes(bundleDir) ? found : [];
  // Vite only when building: the installed package serves its prebuilt site without it.
  if (options.build ?? existsSync(join(SITE_ROOT, 'index.html'))) await (await import('../build/build-site.ts')).buildSite(siteDir);
  else if (!existsSync(join(siteDir, 'index.html'))) {
    throw new DemoInputError(`No built site at ${siteDir} (index.html missing). Build it first, or call serveDemo({ build: true }).`);
  }
  const runsRoot = bundleDir ? dirname(dirname(bundleDir)) : defaultRunsRoot(cwd);
  const port = options.port ?? 5173;
  const host = options.host ?? '127.0.0.1';
  const server = await listenOrExplain(port, host, () => startStaticServer({
    port,
    host,
    crossOriginIsolated: options.crossOriginIsolated,
    mounts: [
      { prefix: '/', dir: siteDir },
      ...siblings.map((dir) => ({ prefix: `/${basename(dir)}/`, dir })),
      ...(bundleDir && !siblings.includes(bundleDir) ? [{ prefix: '/bundle/', dir: bundleDir }] : []),
      ...(existsSync(runsRoot) ? [{ prefix: '/runs/', dir: runsRoot, allow: isRunBundleFile }] : []),
    ],
    json: { '/demo-config.json': { bundle: bundleDir ? `/${siblings.includes(bundleDir) ? basename(bundleDir) : 'bundle'}/` : undefined, apiUrl: options.apiUrl } },
  }));
  return Object.assign(server, { bundleDir });
}

/** Starts the server; a port it cannot listen on (in use, not allowed) is the caller's input: DemoInputError. */
async function listenOrExplain<T>(port: number, host: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (e) {
    const { code, syscall } = e as NodeJS.ErrnoException;
    if (syscall !== 'listen' || (code !== 'EADDRINUSE' && code !== 'EACCES')) throw e;
    const why = code === 'EADDRINUSE' ? 'the port is in use; pass another --port (0 = any free port)' : (e as Error).message;
    throw new DemoInputError(`Cannot listen on ${host}:${port}: ${why}.`, { cause: e });
  }
}

/** Accepts a run folder (uses its bundle/) or a bundle folder itself; explains what is missing. */
export function bundleFolder(path: string): string {
  const candidates = [join(path, DEFAULT_BUNDLE_FOLDER), path];
  for (const c of candidates) if (isBundleDir(c)) return c;
  if (!existsSync(path)) throw new DemoInputError(`--run ${path}: no such folder. Pass a run folder such as runs/vae (made by \`pnpm train\`).`);
  throw new DemoInputError(
    `--run ${path}: no bundle found (looked for ${candidates.map((c) => join(c, 'manifest.json')).join(' and ')} with decoder.onnx beside it). ` +
      `Export the run first: \`pnpm export ${path}\`.`,
  );
}

/**
 * The `precision` sibling of a bundle folder (runs/X/bundle -> runs/X/bundle-fp16), with the export
 * command in the error when it is missing.
 */
export function precisionSibling(bundleDir: string, precision: string, run?: string): string {
  const dir = join(dirname(bundleDir), bundleFolderName(precision));
  if (isBundleDir(dir)) return dir;
  const runDir = run ?? dirname(bundleDir);
  throw new DemoInputError(
    `--precision ${precision}: no ${precision} bundle for ${dirname(bundleDir)} (looked for ${join(dir, 'manifest.json')} with decoder.onnx beside it). ` +
      `Export one: \`pnpm export --run ${runDir} --precision ${precision} --out ${join(runDir, bundleFolderName(precision))}\`.`,
  );
}

/** The bundle folders of a run: bundle/ and bundle-*\/, those holding manifest.json and decoder.onnx. */
function precisionBundles(runDir: string): string[] {
  if (!existsSync(runDir)) return [];
  return readdirSync(runDir)
    .filter((name) => BUNDLE_FOLDER_PATTERN.test(name))
    .map((name) => join(runDir, name))
    .filter(isBundleDir);
}

/** `NAME/<bundle folder>/FILE` under the runs root: the only files /runs/ serves. */
function isRunBundleFile(rel: string): boolean {
  const parts = rel.split('/');
  return parts.length === 3 && parts[0] !== '' && parts[2] !== '' && BUNDLE_FOLDER_PATTERN.test(parts[1]);
}

function defaultRunsRoot(cwd: string): string {
  // `pnpm demo` from the repo root sets INIT_CWD to the root; from packages/demo fall back to ../../runs.
  const here = join(cwd, 'runs');
  return existsSync(here) ? here : join(PACKAGE_DIR, '..', '..', 'runs');
}

/** The fp32 bundle of the newest run under `runsRoot` (@latentkit/format's rule: manifest createdAt). */
function newestBundle(runsRoot: string): string | undefined {
  return newestFormatBundle(runsRoot)?.dir;
}

