import { makeBundle } from '../test/fixtures.ts';
import { startServer } from '../test/server.ts';
import { closedLoop } from './goodput.ts';
import { loadavg } from 'node:os';
const bundle = await makeBundle({ kind: 'vae', seed: 1 });
const s = await startServer(['--run', bundle, '--device', 'cpu', '--concurrency-limit', '1', '--queue-timeout-ms', '1']);
await closedLoop(s.url, 16, 2);
for (const c of [64, 256, 1024]) {
  const l = await closedLoop(s.url, c, 5, s.child.pid);
  const n503 = l.refusedPerSecond * 5, nok = l.okPerSecond * 5;
  console.log(`${c} conn load ${loadavg()[0].toFixed(1)}: ok ${nok} 503 ${n503}; server CPU ${l.serverCpu.toFixed(2)} s = ${(1000 * (l.serverCpu - nok * 0.0015) / n503).toFixed(3)} ms per 503 (OKs at ~1.5 ms); client CPU ${(1000 * l.clientCpu / (n503 + nok)).toFixed(3)} ms per answer`);
}
await s.stop();
