/**
 * Dawn for Node (npm `webgpu`): a `navigator.gpu`-like object and what its adapter is.
 *
 * Dawn runs on the machine's Vulkan driver (Linux). With no driver it finds no adapter; with a
 * software one (SwiftShader, lavapipe/llvmpipe) it runs, but training there is 10-20x slower than
 * the wasm engine (NOTES.md), so 'auto' must tell the two apart: `isFallbackAdapter` (WebGPU's own
 * flag; Dawn sets it for SwiftShader) or a known software rasteriser's name.
 */
/** What the log and the report say about an adapter (GPUAdapterInfo's fields). */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** WebGPU's flag for an adapter that is "known to be slow" (a CPU implementation). */
  isFallbackAdapter: boolean;
  /** isFallbackAdapter, or a known software driver by name. */
  software: boolean;
}

export interface DawnAdapter {
  gpu: GPU;
  adapter: GPUAdapter;
  summary: AdapterSummary;
}

const SOFTWARE_NAMES = /swiftshader|lavapipe|llvmpipe|softpipe|microsoft basic render/i;

/** True for an adapter that computes on the CPU. */
export function isSoftwareAdapter(info: Omit<AdapterSummary, 'software'>): boolean {
  return info.isFallbackAdapter || SOFTWARE_NAMES.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`);
}

/** One line for logs: `NVIDIA H200 (nvidia, hopper; hardware)`. */
export function describeAdapter(s: AdapterSummary): string {
  const name = s.description || s.device || 'unnamed adapter';
  const parts = [s.vendor, s.architecture].filter((p) => p !== '');
  return `${name} (${[...parts, s.software ? 'software' : 'hardware'].join(', ')})`;
}

export function summarizeAdapter(adapter: GPUAdapter): AdapterSummary {
  // Dawn 0.6 puts isFallbackAdapter on adapter.info (the current spec); older builds on the adapter.
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const base = {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    isFallbackAdapter: Boolean(info?.isFallbackAdapter ?? legacy ?? false),
  };
  return { ...base, software: isSoftwareAdapter(base) };
}

let gpu: GPU | undefined;

/**
 * Loads dawn.node once per process and installs the WebGPU constants it exports (GPUBufferUsage,
 * GPUMapMode, ... which tfjs-backend-webgpu reads as globals) where the runtime lacks them.
 * Throws when the package or its binary for this platform is missing.
 */
export async function dawnGpu(): Promise<GPU> {
  if (gpu) return gpu;
  const dawn = await import('webgpu');
  for (const [name, value] of Object.entries(dawn.globals as Record<string, unknown>)) {
    if (!(name in globalThis)) (globalThis as Record<string, unknown>)[name] = value;
  }
  gpu = dawn.create([]);
  return gpu;
}

/**
 * The adapter tfjs-backend-webgpu will get (it asks for 'high-performance', as here), or undefined
 * when Dawn finds none (no Vulkan loader or driver; Dawn prints its own warning to stderr then).
 */
export async function requestDawnAdapter(): Promise<DawnAdapter | undefined> {
  const g = await dawnGpu();
  const adapter = await g.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return undefined;
  return { gpu: g, adapter, summary: summarizeAdapter(adapter) };
}
