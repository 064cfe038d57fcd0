/**
 * The engines that engine-dependent tests run on (kernel/gradient parity, training steps,
 * checkpoints, the CLI's real runs), as one list every such test file walks.
 *
 *   LATENTKIT_TEST_ENGINES=wasm,tfjs-node   each listed engine is required: its tests fail if it
 *                                          cannot load (CI sets this after `pnpm engine native`)
 *   unset                                  wasm always; tfjs-node when `pnpm engine native` has
 *                                          provisioned it here, else its tests are skipped, saying so
 */
import { linkCachedAddon } from './native/link.ts';

export type TestEngine = 'wasm' | 'tfjs-node';

export interface EngineCase {
  engine: TestEngine;
  /** false, or why the tests on this engine are skipped (node:test prints it). */
  skip: string | false;
}

const ALL: readonly TestEngine[] = ['wasm', 'tfjs-node'];

export function testEngines(): EngineCase[] {
  const listed = process.env.LATENTKIT_TEST_ENGINES;
  if (listed) {
    const names = listed.split(',').map((s) => s.trim()).filter(Boolean);
    for (const n of names) {
      if (!(ALL as readonly string[]).includes(n)) {
        throw new Error(`LATENTKIT_TEST_ENGINES lists "${n}"; should be a comma list of: ${ALL.join(', ')}`);
      }
    }
    return ALL.map((engine) => ({ engine, skip: names.includes(engine) ? false : `not in LATENTKIT_TEST_ENGINES=${listed}` }));
  }
  const state = linkCachedAddon();
  const native = state === 'linked' || state === 'relinked' || state === 'own-build';
  return [
    { engine: 'wasm', skip: false },
    { engine: 'tfjs-node', skip: native ? false : 'the native engine is not provisioned here: run `pnpm engine native` (CI does, and sets LATENTKIT_TEST_ENGINES=wasm,tfjs-node)' },
  ];
}
