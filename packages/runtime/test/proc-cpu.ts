/**
 * CPU time of a process from /proc/PID/stat (Linux), seconds (user + system): what a bench needs to
 * say how much CPU the server spent on a load step, beside process.cpuUsage() for its own client.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's times: 100 on every Linux x86-64/arm64 build (USER_HZ). */
const USER_HZ = 100;

export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  // Fields after the command name (which may hold spaces, so split after its closing parenthesis):
  // state is field 3, utime field 14 and stime field 15 (proc(5)).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}
