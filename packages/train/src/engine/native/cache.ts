/**
 * Installs a staged build as the cache entry (paths.ts) atomically: the staging folder sits beside
 * the entry (same file system), gets provenance.json last, and is renamed into place; an older entry
 * is renamed aside first and removed only after the swap, or put back if the swap fails. A failed
 * build never reaches this point, so the previous entry stays as it was.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PROVENANCE_FILE, type Provenance } from './paths.ts';

/** A fresh staging folder beside `entry`, e.g. ~/.cache/latentkit/.tfjs-node-4.22.0-linux-x64.stage-XXXX. */
export function makeStage(entry: string): string {
  mkdirSync(dirname(entry), { recursive: true });
  const stage = mkdtempSync(join(dirname(entry), `.${basename(entry)}.stage-`));
  chmodSync(stage, 0o755); // mkdtemp's 0700 would carry over to the cache entry
  return stage;
}

export function installStage(stage: string, entry: string, provenance: Provenance): void {
  writeFileSync(join(stage, PROVENANCE_FILE), `${JSON.stringify(provenance, null, 2)}\n`);
  const aside = `${join(dirname(entry), `.${basename(entry)}`)}.old-${process.pid}`;
  const hadOld = existsSync(entry);
  if (hadOld) renameSync(entry, aside);
  try {
    renameSync(stage, entry);
  } catch (error) {
    if (hadOld) renameSync(aside, entry);
    throw error;
  }
  if (hadOld) rmSync(aside, { recursive: true, force: true });
}

export function readProvenance(entry: string): Provenance | undefined {
  try {
    return JSON.parse(readFileSync(join(entry, PROVENANCE_FILE), 'utf8')) as Provenance;
  } catch {
    return undefined;
  }
}
