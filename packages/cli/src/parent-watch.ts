/**
 * Stop with the package-manager script that started us. `pnpm serve` runs `sh -c "node ... serve"`;
 * a SIGTERM to pnpm's PID (what `timeout`, many process managers and CI runners send) ends pnpm and its
 * shell but not node, which lives on with no parent (measured with pnpm 12.4.2: the server kept
 * serving). Node has no PR_SET_PDEATHSIG, so the command polls its parent PID: when it changes (the
 * parent exited and the process was re-parented), it sends itself SIGTERM, which the server drains on
 * and any other command ends on.
 *
 * Only when run by a package-manager script (`npm_lifecycle_event` is set, as pnpm, npm and yarn set
 * it), so `nohup latentkit serve &` from a shell that then exits keeps serving.
 */
export function stopWithScriptRunner(options: { everyMs?: number; env?: NodeJS.ProcessEnv } = {}): () => void {
  if (!(options.env ?? process.env).npm_lifecycle_event) return () => {};
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, options.everyMs ?? 250);
  timer.unref(); // never keeps the process alive by itself
  return () => clearInterval(timer);
}
