/** Paths of a run folder (layout: @latentkit/format's layout.ts) and the small files written into it. */
import { join } from 'node:path';
import { RUN_FILES, sampleFile } from '@latentkit/format';
import { writeFileAtomic } from '@latentkit/format/node';
import type { EpochMetrics } from '../types.ts';

/**
 * The absolute or relative paths (as `outDir` is) of every file and folder of a run folder: manifest,
 * encoder/ and decoder/ (tfjs models), metrics.jsonl, checkpoints/last and best, samples/epoch-NNNN.png
 * (`sample(epoch)`, 1-based), reconstructions, latent scatter and histograms, latents.json, logs/ (TensorBoard).
 * Pure: touches no file.
 */
export function runPaths(outDir: string) {
  return {
    root: outDir,
    manifest: join(outDir, RUN_FILES.manifest),
    encoder: join(outDir, RUN_FILES.encoder),
    decoder: join(outDir, RUN_FILES.decoder),
    metrics: join(outDir, RUN_FILES.metrics),
    lastCheckpoint: join(outDir, RUN_FILES.lastCheckpoint),
    bestCheckpoint: join(outDir, RUN_FILES.bestCheckpoint),
    samples: join(outDir, RUN_FILES.samples),
    sample: (epoch: number) => join(outDir, sampleFile(epoch)),
    reconstructions: join(outDir, RUN_FILES.reconstructions),
    latentScatter: join(outDir, RUN_FILES.latentScatter),
    latents: join(outDir, RUN_FILES.latents),
    latentHistograms: join(outDir, RUN_FILES.latentHistograms),
    report: join(outDir, RUN_FILES.report),
    logs: join(outDir, RUN_FILES.logs),
  };
}

export type RunPaths = ReturnType<typeof runPaths>;

/**
 * Rewrites metrics.jsonl from the full history (atomically), so the file always matches the last
 * checkpoint, including after a resume that repeats an epoch a kill interrupted.
 */
export async function writeMetrics(path: string, history: EpochMetrics[]): Promise<void> {
  await writeFileAtomic(path, history.map((m) => JSON.stringify(m)).join('\n') + (history.length ? '\n' : ''));
}
