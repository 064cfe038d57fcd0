import { makeBundle } from '../test/fixtures.ts';
import { startServer } from '../test/server.ts';
import { closedLoop } from './goodput.ts';
import { execSync } from 'node:child_process';
import { loadavg } from 'node:os';
const overflows = () => Number(/ListenOverflows\s+(\d+)/.exec(execSync('nstat -az TcpExtListenOverflows').toString())![1]);
const bundle = await makeBundle({ kind: 'vae', seed: 1 });
const s = await startServer(['--run', bundle, '--device', 'cpu', ...process.argv.slice(2)]);
await closedLoop(s.url, 16, 2);
for (const c of [256, 1024, 1024]) {
  const o0 = overflows();
  const l = await closedLoop(s.url, c, 4, s.child.pid);
  console.log(`${c} conn, load ${loadavg()[0].toFixed(1)}: ok ${l.okPerSecond.toFixed(0)}/s, 503 ${l.refusedPerSecond.toFixed(0)}/s, p50 ${l.p50.toFixed(0)} p99 ${l.p99.toFixed(0)} ms; listen overflows (system-wide) +${overflows() - o0}`);
}
await s.stop();
