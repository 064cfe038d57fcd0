#!/usr/bin/env node
/** The `latentkit` bin: `latentkit train|export|serve|demo|engine [options]` (see commands.ts). */
import { COMMANDS, runCommand } from './commands.ts';

const code = await runCommand(process.argv.slice(2));
const command = COMMANDS[process.argv[2] === '--' ? process.argv[3]! : process.argv[2]!];
// A finished command (or a failed one) ends the process now: a drained server's process must not
// wait on handles a library left open. A command still serving keeps the process alive.
if (code !== 0 || command?.resolves !== 'serving') process.exit(code);
