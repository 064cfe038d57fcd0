/**
 * pnpm hooks. `beforePacking` (pnpm pack / publish): the packed package.json points at the build
 * in dist/ instead of the TypeScript sources in src/ that the workspace runs
 * (scripts/pack/dist-manifest.mjs). Build first: `pnpm build`, or `pnpm pack:all` (both).
 */
import { distManifest } from './scripts/pack/dist-manifest.mjs';

export const hooks = {
  beforePacking(pkg) {
    return distManifest(pkg);
  },
};
