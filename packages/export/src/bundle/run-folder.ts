/** Finding and reading a training run folder (layout and "newest" rule: @latentkit/format). */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { FormatError, RUN_FILES, type RunManifest } from '@latentkit/format';
import { findRuns, readRunManifest, workspaceRoot } from '@latentkit/format/node';
import { ExportError } from '../errors.ts';

/**
 * Resolve `--run`: relative to `cwd` (pnpm sets INIT_CWD to where the user typed the command),
 * else to the workspace root. Without `--run`, the newest run under runs/ (the greatest manifest
 * createdAt; @latentkit/format's findRuns).
 * @throws ExportError when no run folder is found.
 */
export function resolveRunDir(run: string | undefined, cwd: string): string {
  const root = workspaceRoot(cwd);
  if (run) {
    const candidates = isAbsolute(run) ? [run] : [resolve(cwd, run), ...(root ? [resolve(root, run), resolve(root, 'runs', run)] : [])];
    const found = candidates.find((c) => existsSync(join(c, RUN_FILES.manifest)));
    if (!found) throw new ExportError(`No run folder with a manifest.json at ${candidates.join(' or ')}; pass --run runs/NAME (a folder written by \`pnpm train\`)`);
    return found;
  }
  const bases = [...new Set([resolve(cwd, 'runs'), ...(root ? [join(root, 'runs')] : [])])];
  const invalid: string[] = [];
  for (const base of bases) {
    const runs = findRuns(base);
    invalid.push(...runs.invalid.map((e) => e.message));
    if (runs.found.length) return runs.found[0].dir;
  }
  const skipped = invalid.length ? ` (skipped, invalid: ${invalid.join(' | ')})` : '';
  throw new ExportError(`No training runs found in ${bases.join(' or ')}${skipped}; train one with \`pnpm train\` or pass --run runs/NAME`);
}

/**
 * The run's manifest.json, validated.
 * @throws ExportError naming the file and the wrong field.
 */
export async function readManifest(runDir: string): Promise<RunManifest> {
  try {
    return readRunManifest(runDir);
  } catch (e) {
    if (e instanceof FormatError) throw new ExportError(e.message, { cause: e });
    throw e;
  }
}
