/**
 * `pnpm demo [--run runs/NAME] [--precision fp32|fp16|int8] [--port 5173] [--host 127.0.0.1] [--api-url URL] [--no-build] [--no-isolation]`
 * Builds the site and serves it with the run's bundle until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { bundleFolderName } from '../model/precision.ts';
import { serveDemo } from '../server/serve-demo.ts';

const USAGE = `usage: pnpm demo [--run runs/NAME] [--precision fp32|fp16|int8] [--port 5173] [--host 127.0.0.1] [--api-url URL] [--no-build] [--no-isolation]`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2).filter((a) => a !== '--'),
      options: {
        run: { type: 'string' },
        precision: { type: 'string', default: 'fp32' },
        port: { type: 'string', default: '5173' },
        host: { type: 'string', default: '127.0.0.1' },
        'api-url': { type: 'string' },
        'no-build': { type: 'boolean', default: false },
        'no-isolation': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be an integer 0..65535, got "${values.port}".\n${USAGE}`);
    process.exit(2);
  }
  const t0 = performance.now();
  const server = await serveDemo({
    run: values.run,
    precision: values.precision,
    port,
    host: values.host,
    apiUrl: values['api-url'],
    build: values['no-build'] ? false : undefined, // default: build where the site's sources are (the workspace)
    crossOriginIsolated: !values['no-isolation'],
  });
  console.log(`latentkit demo ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`  site:   ${server.url}/`);
  console.log(server.bundleDir ? `  bundle: ${server.bundleDir} (at ${server.url}/${bundleFolderName(values.precision)}/)` : '  bundle: none found (pass --run runs/NAME); the page explains how to make one');
  console.log(`  element script: ${server.url}/elements/latent-elements.js`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`demo: ${(e as Error)?.message ?? e}`);
  process.exit(1);
});
