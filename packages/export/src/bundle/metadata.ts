/**
 * A run's manifest as ONNX metadata_props: every field a string, arrays and objects as JSON,
 * plus `run` (the run folder's name), so the runtime needs nothing but the .onnx file.
 */
import type { RunManifest } from '@latentkit/format';

export function manifestMetadata(manifest: RunManifest, runName?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(manifest)) {
    if (value === undefined || value === null) continue;
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  if (runName) out.run = runName;
  return out;
}
