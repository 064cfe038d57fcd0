/**
 * Child processes for the tarball test, each in its own process group, so stopping one reaches every
 * process it started (npx -> sh -> node, workerd's own children), and `assertGone` can check that
 * nothing of it is left running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';

/** The environment a user's shell would have: none of pnpm's or the test runner's variables. */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // npm_* / PNPM_* would reach npx as configuration; INIT_CWD would redirect the CLIs' relative paths
    // to the workspace; NODE_TEST_CONTEXT belongs to this test runner.
    if (/^(npm_|PNPM_|pnpm_)/i.test(k) || k === 'INIT_CWD' || k === 'NODE_TEST_CONTEXT' || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

export interface Started {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects on exit or after `ms`. */
  waitFor(pattern: RegExp, ms: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

const running = new Set<ChildProcess>();

export function start(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Started {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? userEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d;
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const waitFor = (pattern: RegExp, ms: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = out.match(pattern);
        if (m) done(() => resolve(m));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no ${pattern} within ${ms} ms from ${command} ${args.join(' ')}:\n${out}`))), ms);
      const done = (f: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        f();
      };
      void exited.then((code) => done(() => reject(new Error(`${command} ${args.join(' ')} exited (${code}) before ${pattern}:\n${out}`))));
      listeners.add(check);
      check();
    });
  return { child, output: () => out, waitFor, exited };
}

/**
 * Runs to completion; rejects with the output on a non-zero exit or after `ms` (then kills the
 * group), and when a process it started is still running 5 s after it exited.
 */
export async function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; ms: number }): Promise<string> {
  const p = start(command, args, options);
  const timer = setTimeout(() => killGroup(p.child, 'SIGKILL'), options.ms);
  const code = await p.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${code}):\n${p.output()}`);
  const left = await leftOver(p.child);
  if (left.length > 0) throw new Error(`${command} ${args.join(' ')} exited but left running:\n${left.join('\n')}`);
  running.delete(p.child);
  return p.output();
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // the group is gone already
  }
}

/**
 * Processes of `child`'s group still running (pid and command line), from ps. Zombies (stat Z) have
 * exited and run nothing; in a container whose PID 1 does not reap, an orphan's zombie stays listed.
 */
export function groupMembers(child: ChildProcess): string[] {
  const ps = execFileSync('ps', ['-e', '-o', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' });
  return ps
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4 && Number(f[1]) === child.pid && !f[2]!.startsWith('Z'))
    .map((f) => `${f[0]} ${f.slice(3).join(' ')}`);
}

/** The pid of the group member whose command line matches `pattern` (e.g. the node running the bin). */
export function memberPid(child: ChildProcess, pattern: RegExp): number | undefined {
  const line = groupMembers(child).find((l) => pattern.test(l));
  return line ? Number(line.split(' ')[0]) : undefined;
}

/** SIGTERM the group, SIGKILL after `graceMs`; resolves once its first process has exited. */
export async function stopGroup(p: Started, graceMs = 5000): Promise<void> {
  killGroup(p.child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(p.child, 'SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(timer);
  running.delete(p.child);
}

/** Waits up to `ms` for every process of the group to be gone; returns those still there. */
export async function leftOver(child: ChildProcess, ms = 5000): Promise<string[]> {
  const t0 = Date.now();
  for (;;) {
    const left = groupMembers(child);
    if (left.length === 0 || Date.now() - t0 > ms) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** For after(): SIGKILL every group this file started that may still run. */
export function killAll(): void {
  for (const c of running) killGroup(c, 'SIGKILL');
  running.clear();
}
