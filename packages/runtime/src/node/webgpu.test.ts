/**
 * Decoding on onnxruntime-node's bundled WebGPU execution provider (Dawn inside) equals the CPU.
 *
 * On a machine without a GPU driver this runs on SwiftShader's Vulkan driver from Debian's chromium
 * package (software; Mesa's lavapipe is rejected by Dawn). Skips, saying why, where the provider finds
 * no adapter: the session then falls back to cpu and the reason is in providerFailures().webgpu.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSoftwareVulkan } from '@latentkit/train/engine';
import { LatentModel, env, providerFailures } from './index.ts';
import { makeBundle } from '../../test/fixtures.ts';

// Before the first WebGPU session: the Vulkan loader reads VK_ICD_FILENAMES once.
const icd = useSoftwareVulkan();

for (const kind of ['vae', 'faces-vae'] as const) {
  test(`${kind}: decoding with device webgpu equals cpu`, async (t) => {
    env.logger = () => {};
    const dir = await makeBundle(kind === 'vae' ? {} : { kind, latentDim: 16 });
    const gpu = await LatentModel.load(dir, { device: 'webgpu' });
    const cpu = await LatentModel.load(dir, { device: 'cpu' });
    try {
      if (gpu.provider !== 'webgpu') {
        t.skip(`no WebGPU adapter for onnxruntime-node (${providerFailures().webgpu ?? 'unknown reason'}; Vulkan driver manifest: ${icd ?? 'none found, install chromium'})`);
        return;
      }
      const { z } = cpu.sampleLatents(8, { seed: 3 });
      const a = await cpu.decode(z);
      const b = await gpu.decode(z);
      assert.deepEqual(b.shape, a.shape);
      let worst = 0;
      a.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b.data[i]!))));
      // Pixels are sigmoid outputs in [0, 1]; float32 sums in another order differ by ~1e-7.
      assert.ok(worst < 1e-5, `largest pixel difference ${worst}`);
    } finally {
      await Promise.all([gpu.dispose(), cpu.dispose()]);
    }
  });
}
