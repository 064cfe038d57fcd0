/** Paths of a run folder (layout documented in types.ts) and the small files written into it. */
import { join } from 'node:path';
import { writeFileAtomic } from '../models/fs-atomic.ts';
import type { EpochMetrics } from '../types.ts';

/**
 * The absolute or relative paths (as `outDir` is) of every file and folder of a run folder: manifest,
 * encoder/ and decoder/ (tfjs models), metrics.jsonl, checkpoints/last and best, samples/epoch-NNNN.png
 * (`sample(epoch)`, 1-based), reconstructions, latent scatter and histograms, latents.json. Pure: touches no file.
 */
export function runPaths(outDir: string) {
  return {
    root: outDir,
    manifest: join(outDir, 'manifest.json'),
    encoder: join(outDir, 'encoder'),
    decoder: join(outDir, 'decoder'),
    metrics: join(outDir, 'metrics.jsonl'),
    lastCheckpoint: join(outDir, 'checkpoints', 'last'),
    bestCheckpoint: join(outDir, 'checkpoints', 'best'),
    samples: join(outDir, 'samples'),
    sample: (epoch: number) => join(outDir, 'samples', `epoch-${String(epoch).padStart(4, '0')}.png`),
    reconstructions: join(outDir, 'reconstructions.png'),
    latentScatter: join(outDir, 'latent-scatter.png'),
    latents: join(outDir, 'latents.json'),
    latentHistograms: join(outDir, 'latent-histograms.png'),
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
