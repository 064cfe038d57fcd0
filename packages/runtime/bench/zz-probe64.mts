import { makeBundle } from '../test/fixtures.ts';
import { startServer } from '../test/server.ts';
import { closedLoop } from './goodput.ts';
import { loadavg } from 'node:os';
const bundle = await makeBundle({ kind: 'vae', seed: 1 });
const configs: Record<string, string[]> = JSON.parse(process.argv[2]);
const rounds = Number(process.argv[3] ?? 2);
const conns = JSON.parse(process.argv[4] ?? '[16,1024]');
const secs = Number(process.argv[5] ?? 5);
const servers: Record<string, Awaited<ReturnType<typeof startServer>>> = {};
for (const [name, args] of Object.entries(configs)) servers[name] = await startServer(['--run', bundle, '--device', 'cpu', ...args]);
for (const s of Object.values(servers)) await closedLoop(s.url, 16, 2);
for (let r = 0; r < rounds; r++) for (const [name, s] of Object.entries(servers)) {
  const out = [];
  let cOk = NaN;
  for (const c of conns) {
    const l = await closedLoop(s.url, c, secs, s.child.pid);
    const perOk = (l.serverCpu) / (l.okPerSecond * secs);
    if (c === conns[0]) cOk = perOk;
    const per503 = l.refusedPerSecond ? (l.serverCpu - cOk * l.okPerSecond * secs) / (l.refusedPerSecond * secs) : NaN;
    out.push(`${c}: ok ${l.okPerSecond.toFixed(0)}/s 503 ${l.refusedPerSecond.toFixed(0)}/s p99 ${l.p99.toFixed(0)} ms cpu client ${(100*l.clientCpu/secs).toFixed(0)}% server ${(100*l.serverCpu/secs).toFixed(0)}% CPU ms per 200 (server+client, all answers) ${(1000*(l.serverCpu+l.clientCpu)/(l.okPerSecond*secs)).toFixed(2)}`);
  }
  console.log(`${name.padEnd(10)} load ${loadavg()[0].toFixed(1)} | ${out.join(' | ')}`);
}
for (const s of Object.values(servers)) await s.stop();
