/**
 * Engine selection: `initEngine('auto')` tries tfjs-node-gpu, then webgpu (hardware only), then
 * tfjs-node, then wasm with our training kernels, logs once which one runs and why the others were
 * skipped, and returns the engine as an object. That object is how the rest of the package learns
 * which engine runs: the CLI hands it to `train({ engine })`, which passes it on (micro-batch default,
 * worker replicas, the manifest). Nothing here keeps a "current engine" for others to read.
 *
 *   initEngine(requested?: EngineName, options?: { log?: (msg: string) => void }): Promise<EngineInfo>
 *   activateEngine(engine: EngineInfo): Promise<void>
 *
 * Each concrete engine is loaded at most once per process (its backend registered and initialised,
 * our kernels added); asking for it again only makes its tfjs backend the active one again, with no
 * second log line. tfjs's active backend is process-global by nature (tf.setBackend), so code
 * that runs tensors on a given engine calls activateEngine(engine) first.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from '../errors.ts';
import { AUTO_ORDER, ENGINE_LOADERS, type ConcreteEngine, type EngineInfo, type EngineName } from './engines.ts';

export type { EngineInfo, EngineName, ConcreteEngine } from './engines.ts';
export { AUTO_ORDER, ENGINE_LOADERS } from './engines.ts';

export interface InitEngineOptions {
  /** Where to say which engine runs (default: console.error, so stdout stays clean for data). */
  log?: (msg: string) => void;
}

/** Every name `--engine` and initEngine accept: 'auto' and the concrete engines. */
export const ENGINE_NAMES: readonly EngineName[] = ['auto', ...(Object.keys(ENGINE_LOADERS) as ConcreteEngine[])];

/**
 * Engines this process has loaded, and those whose loader failed (neither is retried). A cache of
 * loader results, not a selection: which engine a caller uses is the object initEngine returned.
 */
const loaded = new Map<ConcreteEngine, { info: EngineInfo; auto: boolean }>();
const failed = new Map<ConcreteEngine, string>();
/** Serialises initEngine calls: loading and activating change tfjs's process-global backend. */
let queue: Promise<unknown> = Promise.resolve();

/** True when `value` is one of ENGINE_NAMES. */
export function isEngineName(value: string): value is EngineName {
  return (ENGINE_NAMES as readonly string[]).includes(value);
}

/**
 * Loads (once) and activates the requested engine and returns it.
 * 'auto' takes the first of AUTO_ORDER that loads; a concrete name takes that engine or fails.
 * @throws EngineError (code LATENTKIT_ENGINE_UNAVAILABLE) for a name not in ENGINE_NAMES, a
 *   concrete engine that cannot load here (the message says why and what to use instead), or
 *   'auto' when no engine loads.
 */
export async function initEngine(requested: EngineName = 'auto', options: InitEngineOptions = {}): Promise<EngineInfo> {
  if (!isEngineName(requested)) {
    throw new EngineError(String(requested), `Unsupported engine "${String(requested)}". Should be one of: ${ENGINE_NAMES.join(', ')}`);
  }
  const log = options.log ?? ((msg: string) => console.error(msg));
  const run = queue.then(() => (requested === 'auto' ? selectAuto(log) : selectForced(requested, log)));
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Makes `engine`'s tfjs backend the active one (tfjs runs every op on its one active backend).
 * Cheap when it already is. `engine` must come from initEngine in this process (its backend is
 * registered then).
 * @throws EngineError when tfjs refuses to switch to the backend.
 */
export async function activateEngine(engine: EngineInfo): Promise<void> {
  if (tf.getBackend() === engine.backend) return;
  if (!(await tf.setBackend(engine.backend))) {
    throw new EngineError(engine.name, `Engine "${engine.name}" cannot be activated: tfjs backend '${engine.backend}' did not initialise`);
  }
}

async function load(name: ConcreteEngine, auto: boolean): Promise<{ info: EngineInfo; fresh: boolean }> {
  const known = loaded.get(name);
  // A loader may refuse under 'auto' what it accepts when forced (webgpu on a software adapter):
  // an engine loaded by force is asked again before 'auto' takes it.
  if (known && (known.auto || !auto)) {
    await activateEngine(known.info);
    return { info: known.info, fresh: false };
  }
  const info = await ENGINE_LOADERS[name](auto ? { auto: true } : undefined);
  loaded.set(name, { info, auto: auto || known?.auto === true });
  return { info, fresh: known === undefined };
}

async function selectForced(name: ConcreteEngine, log: (msg: string) => void): Promise<EngineInfo> {
  let result: { info: EngineInfo; fresh: boolean };
  try {
    result = await load(name, false);
  } catch (error) {
    const reason = (error as Error).message;
    const hint = name === 'wasm' || name === 'cpu'
      ? 'reinstall dependencies with `pnpm install`'
      : "use --engine auto (falls back to wasm) or --engine wasm";
    throw new EngineError(name, `Engine "${name}" cannot be used: ${reason}. To continue, ${hint}.`, { cause: error });
  }
  if (result.fresh) log(`engine: ${result.info.name} (${result.info.detail})`);
  return result.info;
}

async function selectAuto(log: (msg: string) => void): Promise<EngineInfo> {
  const skipped: string[] = [];
  for (const name of AUTO_ORDER) {
    const before = failed.get(name);
    if (before) {
      skipped.push(`${name}: ${before}`);
      continue;
    }
    try {
      const { info, fresh } = await load(name, true);
      const why = skipped.length ? `; skipped ${skipped.join('; ')}` : '';
      if (fresh) log(`engine: ${info.name} (${info.detail})${why}`);
      return info;
    } catch (error) {
      const reason = (error as Error).message;
      failed.set(name, reason);
      skipped.push(`${name}: ${reason}`);
    }
  }
  throw new EngineError('auto', `No engine could be loaded:\n  ${skipped.join('\n  ')}\nReinstall dependencies with \`pnpm install\`.`);
}
