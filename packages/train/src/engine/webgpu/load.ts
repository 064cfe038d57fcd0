/**
 * The 'webgpu' engine: @tensorflow/tfjs-backend-webgpu over Dawn for Node (npm `webgpu`).
 *
 * tfjs-backend-webgpu registers its backend at import time only if `navigator.gpu` exists, and its
 * factory calls `navigator.gpu.requestAdapter({ powerPreference: 'high-performance' })`; Node has no
 * `navigator.gpu`, so Dawn's object is installed there first. 'auto' takes this engine only on a
 * hardware adapter: on a software one (SwiftShader, lavapipe) wasm is 10-20x faster, so only
 * `--engine webgpu` runs there (the tests do, to check the kernels against wasm).
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerTrainingGradients } from '../gradients/register.ts';
import type { EngineInfo, EngineLoadContext } from '../engines.ts';
import { describeAdapter, requestDawnAdapter, type AdapterSummary } from './adapter.ts';
import { missingVulkan } from './vulkan-icd.ts';

let adapterSummary: AdapterSummary | undefined;

/** The adapter the running webgpu engine computes on (undefined before it loads). */
export function webgpuAdapter(): AdapterSummary | undefined {
  return adapterSummary;
}

function installNavigatorGpu(gpu: GPU): void {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else if (g.navigator.gpu !== gpu) {
    // Node >= 21 has a navigator without gpu; define rather than assign (it may be a getter-only object).
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  }
}

export async function loadWebgpu(context: EngineLoadContext = {}): Promise<EngineInfo> {
  const noVulkan = context.auto ? missingVulkan() : undefined;
  if (noVulkan) throw new Error(noVulkan);
  let found: Awaited<ReturnType<typeof requestDawnAdapter>>;
  try {
    found = await requestDawnAdapter();
  } catch (error) {
    throw new Error(`Dawn for Node (npm webgpu) failed to load: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!found) {
    throw new Error(
      'Dawn found no WebGPU adapter (no Vulkan driver: install the GPU vendor\'s Vulkan driver and libvulkan1, ' +
        'or point VK_ICD_FILENAMES at a driver manifest)',
    );
  }
  const adapter = describeAdapter(found.summary);
  if (found.summary.software && context.auto) {
    throw new Error(`only a software adapter, ${adapter}, which trains far slower than wasm; --engine webgpu forces it`);
  }
  installNavigatorGpu(found.gpu);
  await import('@tensorflow/tfjs-backend-webgpu');
  if (tf.findBackendFactory('webgpu') === undefined) {
    throw new Error('@tensorflow/tfjs-backend-webgpu did not register its backend (navigator.gpu was missing when it was first imported)');
  }
  if (!(await tf.setBackend('webgpu'))) {
    throw new Error(`the webgpu backend did not initialise on ${adapter} (see the warning tfjs printed above)`);
  }
  const gradients = registerTrainingGradients();
  adapterSummary = found.summary;
  return {
    name: 'webgpu',
    backend: 'webgpu',
    threads: 1,
    detail: `@tensorflow/tfjs-backend-webgpu on ${adapter} via Dawn for Node; our gradients: ${gradients.join(', ')}`,
  };
}
