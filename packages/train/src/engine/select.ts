/**
 * Engine selection: `initEngine('auto')` tries tfjs-node-gpu, then tfjs-node, then wasm with our
 * training kernels, and logs once which one runs and why the others were skipped.
 *
 *   initEngine(requested?: EngineName, options?: { log?: (msg: string) => void }): Promise<EngineInfo>
 *   currentEngine(): EngineInfo | undefined
 *
 * Idempotent: calling again with 'auto' or the running engine's name returns the running engine.
 * Asking for another concrete engine switches to it.
 */
import { AUTO_ORDER, ENGINE_LOADERS, type ConcreteEngine, type EngineInfo, type EngineName } from './engines.ts';

export type { EngineInfo, EngineName, ConcreteEngine } from './engines.ts';
export { AUTO_ORDER, ENGINE_LOADERS } from './engines.ts';

export interface InitEngineOptions {
  /** Where to say which engine runs (default: console.error, so stdout stays clean for data). */
  log?: (msg: string) => void;
}

export const ENGINE_NAMES: readonly EngineName[] = ['auto', ...(Object.keys(ENGINE_LOADERS) as ConcreteEngine[])];

let current: EngineInfo | undefined;
let pending: Promise<EngineInfo> | undefined;
/** Engines whose loader failed once in this process are not retried by 'auto'. */
const failed = new Map<ConcreteEngine, string>();

export function currentEngine(): EngineInfo | undefined {
  return current;
}

export function isEngineName(value: string): value is EngineName {
  return (ENGINE_NAMES as readonly string[]).includes(value);
}

export async function initEngine(requested: EngineName = 'auto', options: InitEngineOptions = {}): Promise<EngineInfo> {
  if (!isEngineName(requested)) {
    throw new Error(`Unsupported engine "${String(requested)}". Should be one of: ${ENGINE_NAMES.join(', ')}`);
  }
  // Serialise concurrent calls: backends are process-global.
  while (pending) await pending.catch(() => undefined);
  if (current && (requested === 'auto' || requested === current.name)) return current;
  const log = options.log ?? ((msg: string) => console.error(msg));
  pending = requested === 'auto' ? selectAuto(log) : selectForced(requested, log);
  try {
    current = await pending;
    return current;
  } finally {
    pending = undefined;
  }
}

async function selectForced(name: ConcreteEngine, log: (msg: string) => void): Promise<EngineInfo> {
  let info: EngineInfo;
  try {
    info = await ENGINE_LOADERS[name]();
  } catch (error) {
    const reason = (error as Error).message;
    const hint = name === 'wasm' || name === 'cpu'
      ? 'reinstall dependencies with `pnpm install`'
      : "use --engine auto (falls back to wasm) or --engine wasm";
    throw new Error(`Engine "${name}" cannot be used: ${reason}. To continue, ${hint}.`, { cause: error });
  }
  log(`engine: ${info.name} (${info.detail})`);
  return info;
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
      const info = await ENGINE_LOADERS[name]({ auto: true });
      const why = skipped.length ? `; skipped ${skipped.join('; ')}` : '';
      log(`engine: ${info.name} (${info.detail})${why}`);
      return info;
    } catch (error) {
      const reason = (error as Error).message;
      failed.set(name, reason);
      skipped.push(`${name}: ${reason}`);
    }
  }
  throw new Error(`No engine could be loaded:\n  ${skipped.join('\n  ')}\nReinstall dependencies with \`pnpm install\`.`);
}
