/**
 * Finding runs and bundles under a runs folder (`runs/NAME/`, `runs/NAME/bundle*`), and reading their
 * manifests.
 *
 * "Newest" is one rule everywhere: the greatest manifest `createdAt` (the time `pnpm train`, or the
 * Keras importer, finished the run; a bundle carries its run's), ties broken by folder name in
 * ascending code-unit order. File times are not used: copying, unpacking or re-exporting a folder
 * changes them. Folders whose manifest is missing are not runs; folders whose manifest is invalid are
 * reported in `invalid`, never picked.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseBundleManifest, type BundleManifest } from '../bundle-manifest.ts';
import { FormatError } from '../errors.ts';
import { BUNDLE_FILES, RUN_FILES, bundleFolderName } from '../layout.ts';
import { parseJsonText } from '../parse.ts';
import { parseRunManifest, type RunManifest } from '../run-manifest.ts';

export interface FoundRun {
  /** The run folder. */
  dir: string;
  manifest: RunManifest;
}

export interface FoundBundle {
  /** The bundle folder (`runs/NAME/bundle`, `runs/NAME/bundle-int8`, ...). */
  dir: string;
  /** The run folder holding it. */
  runDir: string;
  manifest: BundleManifest;
}

export interface Found<T> {
  /** Newest first (see the file comment). */
  found: T[];
  /** Folders that look like one but whose manifest.json is not valid. */
  invalid: FormatError[];
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new FormatError(file, '(file)', [`(file): cannot be read (${(e as Error).message})`]);
  }
  return parseJsonText(text, file);
}

/**
 * `DIR/manifest.json` as a RunManifest.
 * @throws FormatError naming the file and the wrong field, or `(file)` when it cannot be read.
 */
export function readRunManifest(runDir: string): RunManifest {
  const file = join(runDir, RUN_FILES.manifest);
  return parseRunManifest(readJson(file), file);
}

/**
 * `DIR/manifest.json` as a BundleManifest.
 * @throws FormatError naming the file and the wrong field, or `(file)` when it cannot be read.
 */
export function readBundleManifest(bundleDir: string): BundleManifest {
  const file = join(bundleDir, BUNDLE_FILES.manifest);
  return parseBundleManifest(readJson(file), file);
}

/** Newest first: greater createdAt, then folder name ascending. */
export function compareNewestFirst(a: { dir: string; manifest: { createdAt: string } }, b: { dir: string; manifest: { createdAt: string } }): number {
  const dt = Date.parse(b.manifest.createdAt) - Date.parse(a.manifest.createdAt);
  if (dt !== 0) return dt;
  const na = basename(a.dir), nb = basename(b.dir);
  return na < nb ? -1 : na > nb ? 1 : a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0;
}

function subfolders(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir)
    .map((name) => join(runsDir, name))
    .filter((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory());
}

/** Every run folder directly under `runsDir` (one holding manifest.json), newest first. */
export function findRuns(runsDir: string): Found<FoundRun> {
  const found: FoundRun[] = [];
  const invalid: FormatError[] = [];
  for (const dir of subfolders(runsDir)) {
    if (!existsSync(join(dir, RUN_FILES.manifest))) continue;
    try {
      found.push({ dir, manifest: readRunManifest(dir) });
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      invalid.push(e);
    }
  }
  return { found: found.sort(compareNewestFirst), invalid };
}

/** True when `dir` is a bundle folder: it holds manifest.json and decoder.onnx (not validated here). */
export function isBundleDir(dir: string): boolean {
  return existsSync(join(dir, BUNDLE_FILES.manifest)) && existsSync(join(dir, BUNDLE_FILES.decoder));
}

/**
 * The workspace root at or above `from`: the nearest folder holding pnpm-workspace.yaml, where the
 * commands look for runs/ when no run is named; undefined outside a workspace.
 */
export function workspaceRoot(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * Every bundle of `precision` under `runsDir` (`runs/NAME/bundle` for fp32, `runs/NAME/bundle-<p>`
 * otherwise; one holding manifest.json and decoder.onnx), newest first.
 * @throws RangeError when `precision` is not a precision name.
 */
export function findBundles(runsDir: string, precision = 'fp32'): Found<FoundBundle> {
  const folder = bundleFolderName(precision);
  const found: FoundBundle[] = [];
  const invalid: FormatError[] = [];
  for (const runDir of subfolders(runsDir)) {
    const dir = join(runDir, folder);
    if (!isBundleDir(dir)) continue;
    try {
      found.push({ dir, runDir, manifest: readBundleManifest(dir) });
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      invalid.push(e);
    }
  }
  return { found: found.sort((a, b) => compareNewestFirst({ dir: a.runDir, manifest: a.manifest }, { dir: b.runDir, manifest: b.manifest })), invalid };
}

/** The newest run under `runsDir`, or undefined when there is none (invalid ones are skipped). */
export function newestRun(runsDir: string): FoundRun | undefined {
  return findRuns(runsDir).found[0];
}

/** The newest bundle of `precision` under `runsDir`, or undefined (invalid ones are skipped). */
export function newestBundle(runsDir: string, precision = 'fp32'): FoundBundle | undefined {
  return findBundles(runsDir, precision).found[0];
}
