#!/usr/bin/env node
/** The `latentkit` bin: `latentkit train|export|serve|demo|engine [options]` (see commands.ts). */
import { runCommand } from './commands.ts';
import { stopWithScriptRunner } from './parent-watch.ts';

stopWithScriptRunner(); // `pnpm serve` / `pnpm demo` / ...: SIGTERM to pnpm's PID reaches us too (parent-watch.ts)

const { status, serving } = await runCommand(process.argv.slice(2));
// A finished command (or a failed one) ends the process now: a drained server's process must not
// wait on handles a library left open. A command still serving keeps the process alive.
if (!serving) process.exit(status);
