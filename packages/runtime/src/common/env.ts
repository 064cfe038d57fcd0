/**
 * Settings in one place, with documented defaults, plus a frozen record of what this platform can do.
 * Change `env` before the first LatentModel.load(); later changes apply to later loads.
 */
export type LogLevel = 'silent' | 'warn' | 'info';

export interface Env {
  /** 'warn' (default) prints fallbacks once; 'silent' prints nothing; 'info' also prints session choices. */
  logLevel: LogLevel;
  /** Where messages go. Default: console.warn. Tests replace it to count fallback messages. */
  logger: (message: string) => void;
  /** onnxruntime intra-op threads; 0 (default) = onnxruntime's own default (all cores). */
  threads: number;
  /**
   * Let onnxruntime's intra-op threads spin-wait between operators (default false). Spinning buys
   * microseconds on an idle machine and halves throughput on a shared one (measured: 2 threads
   * 489 -> 1,067 samples/s on a busy 2-core box with spinning off).
   */
  spinWait: boolean;
  /**
   * Node: where onnxruntime-node sessions run. 'worker' (default): on one worker thread
   * (node/session-worker.ts), because onnxruntime-node runs a session synchronously on the thread that
   * calls it and a server's event loop would otherwise stop for every batch. 'main': on the calling
   * thread (no thread hop; for scripts that do nothing else meanwhile). Read at each session creation;
   * set to 'main' (with one warning) when the worker thread cannot start.
   */
  sessionThread: 'worker' | 'main';
  /**
   * onnxruntime-web: where ort-wasm-*.wasm/.mjs live (a URL prefix ending in '/'). Empty (default):
   * onnxruntime-web's own default (next to its script, or the bundled copy).
   */
  wasmPaths: string;
  /**
   * onnxruntime-web: the wasm binary's bytes, when the page already has them (e.g. from the Cache
   * API); onnxruntime-web then skips fetching the .wasm. Undefined (default): it fetches from wasmPaths.
   * In the browser each provider loads its own build (src/web/ort-web-builds.ts), so these bytes
   * must be that build's binary, and a page using both webgpu and wasm should leave this unset.
   */
  wasmBinary?: ArrayBuffer | Uint8Array;
}

export const env: Env = {
  logLevel: 'warn',
  logger: (m) => console.warn(m),
  threads: 0,
  spinWait: false,
  sessionThread: 'worker',
  wasmPaths: '',
};

export interface Apis {
  /** True when `navigator.gpu` exists (an adapter may still be refused). */
  readonly webgpu: boolean;
  /** True in Node/Bun/Deno-with-process (not a browser or a worker). */
  readonly node: boolean;
  readonly wasm: boolean;
  /**
   * True when WebAssembly JS Promise Integration exists (`WebAssembly.Suspending`, Chromium 137+):
   * onnxruntime-web's WebGPU EP then runs from its smaller JSPI build instead of the asyncify one.
   */
  readonly jspi: boolean;
}

const g = globalThis as { navigator?: { gpu?: unknown }; process?: { versions?: { node?: string } }; WebAssembly?: { Suspending?: unknown } };

export const apis: Apis = Object.freeze({
  webgpu: typeof g.navigator !== 'undefined' && !!g.navigator?.gpu,
  node: typeof g.process?.versions?.node === 'string',
  wasm: typeof g.WebAssembly !== 'undefined',
  jspi: typeof g.WebAssembly?.Suspending === 'function',
});

export function log(level: Exclude<LogLevel, 'silent'>, message: string): void {
  if (env.logLevel === 'silent') return;
  if (level === 'info' && env.logLevel !== 'info') return;
  env.logger(message);
}
