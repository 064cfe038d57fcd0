import { makeBundle } from './test/fixtures.ts';
import { startServer } from './test/server.ts';
import { wrk } from './bench/wrk.ts';
import { execSync } from 'node:child_process';
const bundle = await makeBundle({ kind: 'vae', seed: 1 });
const server = await startServer(['--run', bundle, '--device', 'cpu', ...process.argv.slice(3)]);
const port = new URL(server.url).port;
await wrk(server.url, { seconds: 3, connections: 32 });
const iv = setInterval(() => {
  const owned = execSync(`ss -tnpH state established '( sport = :${port} )' | grep -c 'pid=${server.child.pid},' || true`).toString().trim();
  const lq = execSync(`ss -tnlH '( sport = :${port} )'`).toString().trim().split(/\s+/)[1];
  console.log(`owned by server ${owned} acceptq ${lq}`);
}, 1000);
const r = await wrk(server.url, { seconds: 6, connections: 512, rate: Number(process.argv[2]) });
clearInterval(iv);
console.log(JSON.stringify(r));
await server.stop();
