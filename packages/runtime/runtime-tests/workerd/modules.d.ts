// workerd module bindings used by worker.ts
declare module 'ort.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
declare module 'decoder.onnx' {
  const bytes: ArrayBuffer;
  export default bytes;
}
declare module 'encoder.onnx' {
  const bytes: ArrayBuffer;
  export default bytes;
}
declare module 'manifest.json' {
  const text: string;
  export default text;
}
