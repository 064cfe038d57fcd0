/** @latentkit/demo for Node: build the site and serve it (the root `pnpm start` calls serveDemo). */
import type { BuildSiteOptions, BuiltSite } from './build/build-site.ts';

export { serveDemo, bundleFolder } from './server/serve-demo.ts';
export type { ServeDemoOptions, DemoServer } from './server/serve-demo.ts';
export type { BuiltSite, BuildSiteOptions } from './build/build-site.ts';

/**
 * Builds the site with Vite into `outDir` (default: the package's dist/site). Needs the site's
 * sources and Vite, i.e. the workspace; Vite is loaded only when this is called.
 */
export async function buildSite(outDir?: string, options?: BuildSiteOptions): Promise<BuiltSite> {
  return (await import('./build/build-site.ts')).buildSite(outDir, options);
}
export { startStaticServer } from './server/static-server.ts';
export type { StaticServerOptions, RunningServer, Mount } from './server/static-server.ts';
