/**
 * Points the installed @tensorflow/tfjs-node package at the provisioned build in the cache
 * (paths.ts): `<package>/lib -> <cache>/lib` and `<package>/deps -> <cache>/deps`, the two folders
 * tfjs-node's own install would have created. Neither exists in the npm tarball, so no file that pnpm
 * hard-links from its store is touched. Measured with pnpm 12.4.2: `pnpm install`, `--frozen-lockfile`
 * and `--force` keep the links; a package folder that pnpm re-creates (node_modules removed, a
 * different peer set) lacks them, and the engine loader calls this again before importing.
 *
 *   linkCachedAddon(): LinkState     // cheap: a few lstat calls when the links are already there
 */
import { existsSync, lstatSync, readlinkSync, renameSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ADDON_FILE, PROVENANCE_FILE, addonCacheDir, napiDirName, tfjsNodeDir } from './paths.ts';

export type LinkState =
  /** the package already points at the cache */
  | 'linked'
  /** links were (re)made just now */
  | 'relinked'
  /** the package holds an addon of its own (e.g. its install script ran where it can): left alone */
  | 'own-build'
  /** nothing in the cache: `pnpm engine native` has not run on this machine */
  | 'not-provisioned'
  /** @tensorflow/tfjs-node is not in node_modules */
  | 'not-installed';

const LINKED_FOLDERS = ['lib', 'deps'] as const;

export function linkCachedAddon(): LinkState {
  const pkg = tfjsNodeDir();
  if (!pkg) return 'not-installed';
  const cache = addonCacheDir();
  const ownAddon = join(pkg, 'lib', napiDirName(pkg), ADDON_FILE);
  if (!existsSync(join(cache, PROVENANCE_FILE))) {
    return isRealFolder(join(pkg, 'lib')) && existsSync(ownAddon) ? 'own-build' : 'not-provisioned';
  }
  let changed = false;
  for (const name of LINKED_FOLDERS) {
    const at = join(pkg, name);
    const target = join(cache, name);
    if (isRealFolder(at)) return 'own-build';
    if (isSymlink(at) && readlinkSync(at) === target) continue;
    // A new link under a temporary name, renamed over the old one: no moment without a link.
    const tmp = `${at}.tmp-${process.pid}`;
    if (isSymlink(tmp)) unlinkSync(tmp);
    symlinkSync(target, tmp, 'dir');
    renameSync(tmp, at);
    changed = true;
  }
  return changed ? 'relinked' : 'linked';
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function isRealFolder(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}
