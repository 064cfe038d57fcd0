/**
 * The Backend contract: something that turns ONNX bytes into runnable sessions on some execution
 * providers. Node registers onnxruntime-node (cpu, cuda, webgpu) and onnxruntime-web (wasm); the
 * browser registers onnxruntime-web (webgpu, wasm). The API in latent-model-impl.ts only sees this.
 */
import type { TensorData } from './tensor-data.ts';
import type { Platform } from './device.ts';

export interface SessionHandle {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** The execution provider the session was created for (e.g. 'cpu', 'cuda', 'wasm'). */
  readonly provider: string;
  run(feeds: Record<string, TensorData>, outputNames?: readonly string[]): Promise<Record<string, TensorData>>;
  release(): Promise<void>;
}

export interface SessionOptions {
  /** One execution provider; fallback between providers is decided above, in session-factory.ts. */
  provider: string;
  /** Threads for one operator (onnxruntime intraOpNumThreads); 0 = runtime default. */
  threads?: number;
}

export interface Backend {
  /** Execution providers this backend can create sessions for, e.g. ['cpu', 'cuda']. */
  readonly providers: readonly string[];
  /** Called once before first use; a throw marks the backend failed and it is skipped from then on. */
  init(): Promise<void>;
  createSession(model: Uint8Array, options: SessionOptions): Promise<SessionHandle>;
}

interface Registered {
  name: string;
  backend: Backend;
  priority: number;
  init?: Promise<void>;
  error?: unknown;
}

const registry = new Map<string, Registered>();

/**
 * Register a backend under a name. A higher priority wins when several serve the same provider;
 * re-registering a name replaces it (same as onnxruntime-common's registerBackend).
 */
export function registerBackend(name: string, backend: Backend, priority: number): void {
  const prev = registry.get(name);
  if (prev && prev.backend === backend && prev.priority === priority) return;
  registry.set(name, { name, backend, priority });
}

export function registeredBackends(): { name: string; providers: readonly string[]; priority: number; failed?: string }[] {
  return [...registry.values()].map((r) => ({
    name: r.name,
    providers: r.backend.providers,
    priority: r.priority,
    ...(r.error !== undefined ? { failed: String((r.error as Error)?.message ?? r.error) } : {}),
  }));
}

/**
 * The highest-priority backend that serves `provider` and initialises. A backend whose init()
 * threw is remembered as failed and skipped on later calls.
 */
export async function resolveBackend(provider: string): Promise<{ name: string; backend: Backend }> {
  const candidates = [...registry.values()]
    .filter((r) => r.backend.providers.includes(provider))
    .sort((a, b) => b.priority - a.priority);
  const errors: string[] = [];
  for (const r of candidates) {
    if (r.error !== undefined) {
      errors.push(`${r.name}: ${(r.error as Error)?.message ?? r.error}`);
      continue;
    }
    try {
      r.init ??= r.backend.init();
      await r.init;
      return { name: r.name, backend: r.backend };
    } catch (e) {
      r.error = e;
      errors.push(`${r.name}: ${(e as Error)?.message ?? e}`);
    }
  }
  const known = [...new Set([...registry.values()].flatMap((r) => r.backend.providers))];
  throw new Error(
    `No backend can run execution provider "${provider}"` +
      (errors.length ? ` (failed: ${errors.join('; ')})` : '') +
      `. Registered providers: ${known.join(', ') || 'none (import @latentkit/runtime, not a file under src/common)'}.`,
  );
}

let platform: Platform = 'web';

/** Entry points declare where they run: src/node/index.ts sets 'node'; the default is the browser. */
export function setPlatform(p: Platform): void {
  platform = p;
}

export function currentPlatform(): Platform {
  return platform;
}
