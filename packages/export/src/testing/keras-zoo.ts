/**
 * Keras 3 reference models for the tests, built by test/keras-zoo/make_zoo.py in the reference venv
 * (TF 2.21, Keras 3.15) at test time and cached, so that only the script is committed:
 * `$LATENTKIT_CACHE_DIR` (default ~/.cache/latentkit)/keras-zoo/<hash of make_zoo.py>/<group>/.
 * A changed script gets a fresh folder; a half-written folder is never used (it is renamed into
 * place once manifest.json is written).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkerPython } from './onnx-checker.ts';

const SCRIPT = fileURLToPath(new URL('../../test/keras-zoo/make_zoo.py', import.meta.url));

export interface ZooTensor {
  shape: number[];
  data: Float32Array;
}

/** One model of the zoo: its files are `<dir>/<name>.keras` and `<dir>/<name>.h5`. */
export interface ZooCase {
  name: string;
  inputs: ZooTensor[];
  /** Keras's outputs on `inputs` (training=False). */
  outputs: ZooTensor[];
  params: number;
  /** The exporter must refuse the model with a message matching this regex (its flags unset). */
  refuse?: string;
  /** Export options that make a refused model convert (e.g. { samplingLayer: 'Reparameterize' }). */
  flags?: { samplingLayer?: string };
  /** Only the first `deterministic` outputs are compared (later ones draw noise in Keras). */
  deterministic?: number;
  /** Inputs hold integer indices (fed as float32 to Keras's int32 input). */
  int_input?: number;
  /** How many Transpose nodes the fp32 export must hold (channels_first models: only those needed). */
  transposes?: number;
}

export interface Zoo {
  dir: string;
  keras: string;
  cases: ZooCase[];
  /** Seconds spent building the zoo (0 when it came from the cache). */
  builtIn: number;
}

function tensor(t: { shape: number[]; base64: string }): ZooTensor {
  const bytes = Buffer.from(t.base64, 'base64');
  return { shape: t.shape, data: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) };
}

/**
 * The zoo's `group` ('layers': one small model per layer configuration; 'apps': keras.applications
 * with classifier tops), built on first use. Returns a string saying why not where the reference
 * venv cannot be made (the caller skips, naming it).
 * @throws Error when make_zoo.py itself fails.
 */
export function kerasZoo(group: 'layers' | 'apps'): Zoo | string {
  const { python, why } = checkerPython();
  if (!python) return `no reference Python: ${why}`;
  const hash = createHash('sha256').update(readFileSync(SCRIPT)).digest('hex').slice(0, 12);
  const root = join(process.env.LATENTKIT_CACHE_DIR ?? join(homedir(), '.cache', 'latentkit'), 'keras-zoo', hash);
  const dir = join(root, group);
  let builtIn = 0;
  if (!existsSync(join(dir, 'manifest.json'))) {
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    const t0 = performance.now();
    const r = spawnSync(python, [SCRIPT, tmp, '--group', group], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`make_zoo.py --group ${group} failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
    builtIn = (performance.now() - t0) / 1000;
    // Another process (a second test file, a second checkout) may have finished the same group
    // first and be reading it now: keep its folder rather than delete files under a reader.
    if (existsSync(join(dir, 'manifest.json'))) rmSync(tmp, { recursive: true, force: true });
    else {
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    }
  }
  const meta = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { keras: string; cases: (Omit<ZooCase, 'inputs' | 'outputs'> & { inputs: never[]; outputs: never[] })[] };
  return {
    dir,
    keras: meta.keras,
    builtIn,
    cases: meta.cases.map((c) => ({ ...c, inputs: c.inputs.map(tensor), outputs: c.outputs.map(tensor) })),
  };
}
