// A user's Workers module: the Hono app of @latentkit/runtime on onnxruntime-web's wasm backend.
// The bundle's files and onnxruntime's .wasm come in as modules (see config.capnp); a Worker may
// not compile wasm from bytes, so the precompiled module is handed to onnxruntime's loader.
import { createApp } from '@latentkit/runtime/http';
import { LatentModel, env } from '@latentkit/runtime';
import ortWasm from 'ort.wasm';
import decoder from 'decoder.onnx';
import encoder from 'encoder.onnx';
import manifest from 'manifest.json';

const instantiate = WebAssembly.instantiate.bind(WebAssembly);
WebAssembly.instantiate = async (source, imports) =>
  source instanceof WebAssembly.Module ? instantiate(source, imports) : { instance: await instantiate(ortWasm, imports), module: ortWasm };
env.threads = 1; // no threads in a Worker isolate
env.wasmBinary = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]); // a placeholder: instantiate() above uses ortWasm

let app;
export default {
  async fetch(request) {
    app ??= LatentModel.load(
      { 'manifest.json': manifest, 'decoder.onnx': new Uint8Array(decoder), 'encoder.onnx': new Uint8Array(encoder) },
      { device: 'wasm' },
    ).then((model) => createApp(model));
    return (await app).fetch(request);
  },
};
