/**
 * Device choice in one function: a user-facing device name -> execution providers to try, in order.
 * onnxruntime-node does not fall back by itself (a missing CUDA provider THROWS at session creation),
 * so session-factory.ts tries these one at a time and remembers failures.
 */
import { UnsupportedDeviceError } from './errors.ts';
import { apis } from './env.ts';

export const DEVICES = ['auto', 'cpu', 'cuda', 'webgpu', 'wasm'] as const;
export type Device = (typeof DEVICES)[number];
export type Platform = 'node' | 'web';

export function isDevice(x: unknown): x is Device {
  return typeof x === 'string' && (DEVICES as readonly string[]).includes(x);
}

/**
 * Node: 'auto' tries CUDA then CPU (WebGPU is not in 'auto': without a Vulkan GPU driver Dawn runs in
 * software, 10-20x slower than CPU); 'wasm' runs onnxruntime-web's wasm build inside Node.
 * Browser: 'auto' is WebGPU when `navigator.gpu` exists, else wasm; 'cpu' means wasm; CUDA does not exist.
 */
export function deviceToExecutionProviders(device: string, platform: Platform): string[] {
  if (!isDevice(device)) {
    throw new UnsupportedDeviceError(`Unsupported device "${device}". Should be one of: ${DEVICES.join(', ')}.`);
  }
  if (platform === 'node') {
    switch (device) {
      case 'auto':
        return ['cuda', 'cpu'];
      case 'cpu':
        return ['cpu'];
      case 'cuda':
        return ['cuda', 'cpu'];
      case 'webgpu':
        return ['webgpu', 'cpu'];
      case 'wasm':
        return ['wasm'];
    }
  }
  switch (device) {
    case 'auto':
      return apis.webgpu ? ['webgpu', 'wasm'] : ['wasm'];
    case 'cpu':
    case 'wasm':
      return ['wasm'];
    case 'webgpu':
      return ['webgpu', 'wasm'];
    case 'cuda':
      throw new UnsupportedDeviceError(
        `Unsupported device "cuda" in the browser. Should be one of: auto, cpu, webgpu, wasm.`,
      );
  }
}
