/**
 * Browser entry: registers onnxruntime-web (webgpu and wasm; each provider imports its own build on
 * first use). Never imports onnxruntime-node, sharp or node: modules, so bundlers resolving the
 * "browser" condition get a clean graph.
 */
import { registerBackend, setPlatform } from '../common/backend.ts';
import { createOrtWebBackend } from './ort-web-builds.ts';

setPlatform('web');

// webgpu and wasm sessions each import only their onnxruntime-web build (see ort-web-builds.ts).
registerBackend('onnxruntime-web', createOrtWebBackend(), 100);

export * from '../common/api.ts';
export { ortWebBuildFor, preloadOrtWebBuild, type OrtWebBuild } from './ort-web-builds.ts';
