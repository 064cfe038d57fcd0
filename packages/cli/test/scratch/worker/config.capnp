using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "dist/worker.js"),
    (name = "ort.wasm", wasm = embed "dist/ort-wasm-simd-threaded.wasm"),
    (name = "decoder.onnx", data = embed "dist/decoder.onnx"),
    (name = "encoder.onnx", data = embed "dist/encoder.onnx"),
    (name = "manifest.json", text = embed "dist/manifest.json"),
  ],
  compatibilityDate = "2025-09-01",
);
