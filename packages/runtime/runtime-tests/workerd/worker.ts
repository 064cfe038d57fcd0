/**
 * The same Hono app (src/http/app.ts) inside workerd, Cloudflare's open-source Workers runtime, on
 * onnxruntime-web's single-threaded wasm backend. Built by run.ts with esbuild; the model files and
 * the .wasm come in as workerd modules (a Worker may not compile wasm from bytes, so the precompiled
 * module is handed to onnxruntime's Emscripten loader through WebAssembly.instantiate).
 */
import * as ort from 'onnxruntime-web';
// workerd modules (see config.capnp written by run.ts)
import ortWasm from 'ort.wasm';
import decoder from 'decoder.onnx';
import encoder from 'encoder.onnx';
import manifest from 'manifest.json';
import { createApp } from '../../src/http/app.ts';
import { LatentModel } from '../../src/web/index.ts';
import { microBatched } from '../../src/common/micro-batcher.ts';

const instantiate = WebAssembly.instantiate.bind(WebAssembly) as (m: WebAssembly.Module, i?: WebAssembly.Imports) => Promise<WebAssembly.Instance>;
(WebAssembly as { instantiate: unknown }).instantiate = async (source: unknown, imports?: WebAssembly.Imports) => {
  if (source instanceof WebAssembly.Module) return instantiate(source, imports);
  // onnxruntime passes env.wasm.wasmBinary (a placeholder below): use the precompiled module instead.
  return { instance: await instantiate(ortWasm, imports), module: ortWasm };
};
ort.env.wasm.numThreads = 1; // no SharedArrayBuffer / Worker threads in a Worker isolate
ort.env.wasm.wasmBinary = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
ort.env.logLevel = 'error';

let app: Promise<ReturnType<typeof createApp>> | undefined;
// Global scope may not do async work in a Worker: load on the first request.
const getApp = () =>
  (app ??= LatentModel.load(
    { 'manifest.json': manifest, 'decoder.onnx': new Uint8Array(decoder), 'encoder.onnx': new Uint8Array(encoder) },
    { device: 'wasm' },
  ).then((model) => createApp(microBatched(model, { maxBatch: 256, maxWaitMs: 2 }))));

export default {
  async fetch(request: Request): Promise<Response> {
    return (await getApp()).fetch(request);
  },
};
