#!/usr/bin/env node
/** The `latentkit` bin: `latentkit train|export|serve|demo|engine [options]` (see commands.ts). */
import { runCommand } from './commands.ts';

await runCommand(process.argv.slice(2));
