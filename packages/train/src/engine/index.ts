/**
 * '@latentkit/train/engine': picking and starting the TensorFlow.js engine training runs on
 * (tfjs-node(-gpu), WebGPU over Dawn, wasm with our kernels, cpu), and the WebGPU adapter helpers
 * other packages' device checks use.
 */
export { initEngine, activateEngine, isEngineName, ENGINE_NAMES, AUTO_ORDER, type InitEngineOptions, type EngineInfo, type EngineName, type ConcreteEngine } from './select.ts';
export { requestDawnAdapter, describeAdapter, type AdapterSummary, type DawnAdapter } from './webgpu/adapter.ts';
export { useSoftwareVulkan } from './webgpu/vulkan-icd.ts';
