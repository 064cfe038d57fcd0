/**
 * `pnpm engine native`: makes @tensorflow/tfjs-node 4.22 load on this machine, by the first route
 * that works, and says what it did and how long it took.
 *   0. it loads already (perhaps after re-linking the cached build, link.ts): nothing to do;
 *   1. tfjs-node's stock install (stock-install.ts), where Google's libtensorflow download is reachable;
 *   2. the addon built from source against the TensorFlow C library of pip's tensorflow-cpu wheel
 *      (build-addon.ts, tensorflow-lib.ts).
 * Idempotent (a second run is route 0, ~2 s) and atomic: routes 1 and 2 build in a staging folder,
 * load the new addon in a child process, and only then swap it into the cache (cache.ts); a failure
 * leaves the previous build in place. Nothing is written into node_modules except the two links.
 *
 *   provisionNative(options?): Promise<ProvisionResult>   // throws ProvisionError when no route works
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildAddonFromSource } from './build-addon.ts';
import { installStage, makeStage } from './cache.ts';
import { linkCachedAddon } from './link.ts';
import { ADDON_FILE, TFJS_NODE_VERSION, addonCacheDir, napiDirName, tfjsNodeDir, type Provenance } from './paths.ts';
import { probeAddon, probeTfjsNode } from './probe.ts';
import { stockInstall } from './stock-install.ts';

export type ProvisionRoute = 'stock' | 'source';

export interface ProvisionOptions {
  /** Build again even when tfjs-node loads (replaces the cached build only if the new one loads). */
  rebuild?: boolean;
  /** Routes to try, in order; default ['stock', 'source']. */
  routes?: ProvisionRoute[];
  log?: (msg: string) => void;
}

export interface ProvisionResult {
  action: 'already-loads' | 'relinked' | Provenance['route'];
  /** TF_Version() of the library tfjs-node runs on. */
  tensorflow: string;
  /** The main TensorFlow library file it loads. */
  library: string;
  seconds: number;
}

export class ProvisionError extends Error {
  override name = 'ProvisionError';
}

const ROUTE_LABEL: Record<ProvisionRoute, string> = {
  stock: "tfjs-node's stock install",
  source: 'source build against pip TensorFlow',
};

export async function provisionNative(options: ProvisionOptions = {}): Promise<ProvisionResult> {
  const log = options.log ?? ((msg: string) => console.error(msg));
  const started = performance.now();
  const seconds = (from = started) => (performance.now() - from) / 1000;
  const pkg = tfjsNodeDir();
  if (!pkg) {
    throw new ProvisionError(
      '@tensorflow/tfjs-node is not in node_modules; run `pnpm install` (it is an optional dependency of @latentkit/train)',
    );
  }
  if (!options.rebuild) {
    const link = linkCachedAddon();
    const probe = await probeTfjsNode(pkg);
    if (probe.ok) {
      return { action: link === 'relinked' ? 'relinked' : 'already-loads', tensorflow: probe.tensorflow, library: probe.libraries[0] ?? '', seconds: seconds() };
    }
    log(
      link === 'not-provisioned'
        ? `@tensorflow/tfjs-node ${TFJS_NODE_VERSION} has no native addon on this machine yet (nothing in ${addonCacheDir()})`
        : `@tensorflow/tfjs-node ${TFJS_NODE_VERSION} does not load: ${probe.error}`,
    );
  }

  const failures: string[] = [];
  for (const route of options.routes ?? ['stock', 'source']) {
    const routeStarted = performance.now();
    const stage = makeStage(addonCacheDir());
    try {
      const got = route === 'stock' ? await stockInstall(pkg, stage, log) : await buildAddonFromSource(pkg, stage, log);
      const addon = await probeAddon(join(stage, 'lib', napiDirName(pkg), ADDON_FILE));
      if (!addon.ok) throw new Error(`the new addon does not load: ${addon.error}`);
      const action = route === 'stock' ? 'stock-install' : 'source-build';
      installStage(stage, addonCacheDir(), {
        route: action,
        tfjsNode: TFJS_NODE_VERSION,
        tensorflow: addon.tensorflow,
        source: got.source,
        builtAt: new Date().toISOString(),
        seconds: Number(seconds(routeStarted).toFixed(1)),
      });
      const link = linkCachedAddon();
      const final = await probeTfjsNode(pkg);
      if (!final.ok) {
        const why = link === 'own-build' ? ` (${pkg} holds an addon of its own in lib/; remove lib/ and deps/ there)` : '';
        throw new Error(`built and cached in ${addonCacheDir()}, but @tensorflow/tfjs-node still does not load: ${final.error}${why}`);
      }
      return { action, tensorflow: final.tensorflow, library: final.libraries[0] ?? '', seconds: seconds() };
    } catch (error) {
      const why = (error as Error).message;
      failures.push(`${ROUTE_LABEL[route]}: ${why}`);
      log(`${ROUTE_LABEL[route]}: not possible here (${seconds(routeStarted).toFixed(1)} s): ${why}`);
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  }
  throw new ProvisionError(`the native engine could not be provisioned (${seconds().toFixed(1)} s):\n  ${failures.join('\n  ')}`);
}
