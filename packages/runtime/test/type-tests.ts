/**
 * Compile-only checks of the public types (run by `pnpm typecheck`, never executed).
 */
import { LatentModel, type TensorData, type Device, type LatentModel as Model, type SampleResult } from '../src/node/index.ts';
import { createApp, type AppOptions } from '../src/http/app.ts';
import { microBatched } from '../src/common/micro-batcher.ts';
import type { Hono } from 'hono';

export async function typeTests(): Promise<void> {
  const device: Device = 'cuda';
  // @ts-expect-error not a device
  const bad: Device = 'gpu';
  void bad;
  const m: Model = await LatentModel.load('runs/x/bundle', { device });
  const s: SampleResult = await m.sample(4, { seed: 1, temperature: 0.8 });
  const images: Float32Array = s.images.data;
  const t: TensorData = await m.decode([[0, 1]]);
  const { mean, logVar } = await m.encode(t);
  const lv: TensorData | null = logVar;
  // @ts-expect-error seed is a number
  await m.sample(1, { seed: '1' });
  const options: AppOptions = { limits: { maxBatch: 32 } };
  const batched: Model = microBatched(m, { maxBatch: 64, maxWaitMs: 1, maxQueueRows: 512, maxQueueWaitMs: 50 });
  const app: Hono = createApp(batched, options);
  void [images, mean, lv, app];
}
