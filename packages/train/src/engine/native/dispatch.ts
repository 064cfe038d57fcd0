/**
 * tfjs registers gradients per kernel, for every backend at once. A native-only gradient therefore
 * wraps the gradient registered before it: on the 'tensorflow' backend it runs ours, on any other
 * backend (wasm, cpu; also in the same process) exactly the one it replaced.
 */
import { getBackend, type GradConfig, type NamedAttrMap, type Tensor } from '@tensorflow/tfjs-core';

/** A gradient formula over the same saved tensors as the gradient it replaces. */
export type NativeGradFunc = (dy: Tensor, saved: Tensor[], attrs: NamedAttrMap) => Record<string, () => Tensor>;

export interface NativeGradient {
  kernelName: string;
  /** What the replaced gradient must save for `gradFunc` to read (checked at registration). */
  inputsToSave?: string[];
  outputsToSave?: boolean[];
  gradFunc: NativeGradFunc;
}

export const NATIVE_BACKEND = 'tensorflow';

const sameList = <T>(a: readonly T[] | undefined, b: readonly T[] | undefined) =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((x, i) => x === b![i]);

/** Whether `fallback` saves what `native` reads, so one GradConfig can serve both. */
export function compatible(native: NativeGradient, fallback: GradConfig): boolean {
  return sameList(native.inputsToSave, fallback.inputsToSave) && sameList(native.outputsToSave, fallback.outputsToSave);
}

/** One GradConfig: `native.gradFunc` on the 'tensorflow' backend, `fallback.gradFunc` elsewhere. */
export function dispatchGradient(native: NativeGradient, fallback: GradConfig): GradConfig {
  return {
    kernelName: native.kernelName,
    inputsToSave: fallback.inputsToSave,
    outputsToSave: fallback.outputsToSave,
    gradFunc: (dy, saved, attrs) =>
      getBackend() === NATIVE_BACKEND ? native.gradFunc(dy as Tensor, saved, attrs) : fallback.gradFunc(dy, saved, attrs),
  };
}
