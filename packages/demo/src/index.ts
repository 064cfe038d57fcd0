/** @latentkit/demo for Node: build the site and serve it (the root `pnpm start` calls serveDemo). */
export { serveDemo, bundleFolder } from './server/serve-demo.ts';
export type { ServeDemoOptions, DemoServer } from './server/serve-demo.ts';
export { buildSite } from './build/build-site.ts';
export type { BuiltSite } from './build/build-site.ts';
export { startStaticServer } from './server/static-server.ts';
export type { StaticServerOptions, RunningServer, Mount } from './server/static-server.ts';
