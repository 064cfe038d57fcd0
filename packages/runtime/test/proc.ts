/**
 * Counters from /proc (Linux) for the benches: a process's CPU time, beside process.cpuUsage() for
 * the bench's own client, and the kernel's count of connections its listen queues dropped.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's times: 100 on every Linux x86-64/arm64 build (USER_HZ). */
const USER_HZ = 100;

/** CPU time of a process so far, seconds (user + system), from /proc/PID/stat. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  // Fields after the command name (which may hold spaces, so split after its closing parenthesis):
  // utime is field 14 and stime field 15 (proc(5)).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/**
 * TcpExt ListenOverflows from /proc/net/netstat: handshakes dropped because a listen queue was full,
 * counted for the whole network namespace (other processes' listeners included), or NaN off Linux.
 */
export function listenOverflows(): number {
  try {
    const lines = readFileSync('/proc/net/netstat', 'latin1').split('\n').filter((l) => l.startsWith('TcpExt:'));
    const names = lines[0].split(/\s+/);
    const values = lines[1].split(/\s+/);
    return Number(values[names.indexOf('ListenOverflows')]);
  } catch {
    return NaN;
  }
}
