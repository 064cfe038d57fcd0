/** Types of dist-manifest.mjs for the TypeScript tests that call it. */
export function distManifest(manifest: Record<string, unknown>): Record<string, unknown>;
