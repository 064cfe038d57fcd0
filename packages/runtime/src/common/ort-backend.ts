/**
 * A Backend over any onnxruntime JS package (onnxruntime-node and onnxruntime-web share the
 * onnxruntime-common API). Typed structurally so src/common imports neither package.
 */
import type { Backend, SessionHandle, SessionOptions } from './backend.ts';
import type { TensorData } from './tensor-data.ts';

interface OrtTensorLike {
  readonly data: unknown;
  readonly dims: readonly number[];
  readonly type: string;
  dispose?(): void;
}

interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensorLike>, fetches?: readonly string[]): Promise<Record<string, OrtTensorLike>>;
  release(): Promise<void>;
}

export interface OrtLike {
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensorLike;
  InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSessionLike> };
}

export interface OrtBackendOptions {
  providers: readonly string[];
  init?: () => Promise<void>;
  /** Runs before every session creation (e.g. to refuse settings changed after init). */
  beforeSession?: () => void;
  /** Extra onnxruntime session options per provider (threads etc.). */
  sessionOptions?: (options: SessionOptions) => Record<string, unknown>;
}

/** `ort` may be a loader, so a backend that is never used (wasm in Node) is never imported. */
export function createOrtBackend(load: OrtLike | (() => Promise<OrtLike>), options: OrtBackendOptions): Backend {
  let ort: OrtLike | undefined = typeof load === 'function' ? undefined : load;
  return {
    providers: options.providers,
    async init() {
      ort ??= await (load as () => Promise<OrtLike>)();
      await options.init?.();
    },
    async createSession(model: Uint8Array, so: SessionOptions): Promise<SessionHandle> {
      if (!ort) throw new Error('Backend used before init().');
      options.beforeSession?.();
      const session = await ort.InferenceSession.create(model, ortSessionOptions(so, options.sessionOptions?.(so)));
      return wrapSession(ort, session, so.provider);
    },
  };
}

/** onnxruntime's session options for one of ours: the one provider, every graph optimisation, and the backend's extras. */
export function ortSessionOptions(so: SessionOptions, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { executionProviders: [so.provider], graphOptimizationLevel: 'all', ...extra };
}

/** Our SessionHandle over an onnxruntime session (float32 feeds and outputs as TensorData). */
export function wrapSession(ort: OrtLike, session: OrtSessionLike, provider: string): SessionHandle {
  let released = false;
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    provider,
    async run(feeds, outputNames) {
      if (released) throw new Error('Session was released.');
      const ortFeeds: Record<string, OrtTensorLike> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor('float32', t.data, t.shape);
      const out = await session.run(ortFeeds, outputNames);
      const result: Record<string, TensorData> = {};
      for (const [name, t] of Object.entries(out)) {
        if (!(t.data instanceof Float32Array)) {
          throw new Error(`Output "${name}" is ${t.type}; this runtime expects float32 outputs (export with precision fp32).`);
        }
        // CPU tensors own a plain JS buffer: hand it out without copying.
        result[name] = { data: t.data, shape: [...t.dims] };
      }
      for (const t of Object.values(ortFeeds)) t.dispose?.();
      return result;
    },
    async release() {
      if (released) return;
      released = true;
      await session.release();
    },
  };
}
