/**
 * What the running native engine is, for the engine log line: the TensorFlow version the addon
 * reports (TF_Version() of the C library) and the library file the process actually mapped
 * (/proc/self/maps on Linux, so the line names the real file behind any symlink).
 */
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';

/** The libtensorflow*.so* files mapped into this process, the main library (not *_framework) first. */
export function tensorflowLibraries(): string[] {
  let maps: string;
  try {
    maps = readFileSync('/proc/self/maps', 'utf8');
  } catch {
    return [];
  }
  const files = new Set<string>();
  for (const line of maps.split('\n')) {
    const path = line.split(/\s+/)[5];
    if (path && /\/libtensorflow[^/]*\.so/.test(path)) files.add(path);
  }
  return [...files].sort((a, b) => Number(a.includes('_framework')) - Number(b.includes('_framework')));
}

/**
 * e.g. "@tensorflow/tfjs-node 4.22.0 on TensorFlow 2.21.0, /root/.cache/.../libtensorflow_cc.so.2".
 * No CPU/GPU label: the same addon runs GPU kernels when it links a GPU wheel's library (README.md),
 * and the library path says which.
 */
export function describeNativeBackend(pkg: string, version: string | undefined): string {
  const binding = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding;
  const library = tensorflowLibraries()[0] ?? 'library file unknown';
  return `${pkg}${version ? ` ${version}` : ''} on TensorFlow ${binding?.TF_Version ?? '(version unknown)'}, ${library}`;
}
