/**
 * keras.applications models with their classifier tops (weights=None, small inputs; built at test
 * time by test/keras-zoo/make_zoo.py --group apps in the reference venv and cached), each saved by
 * Keras 3 as `.keras` and as legacy `.h5`, converted by `pnpm export --keras FILE --out x.onnx` (the
 * CLI's own code, in-process; one real process checks the bin writes the same bytes). The `.keras`
 * export runs in onnxruntime-node on a fixed batch of 2 and is compared with Keras 3's outputs within
 * 1e-4 (fp32), then goes through onnx 1.23.1's full checker; the `.h5` export must be the same bytes.
 * The first run builds the models (~2-3 min on 2 cores); later runs read the cache.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { exportCommand } from '../cli/main.ts';
import { decodeModel } from '../proto/onnx-proto.ts';
import { CheckerBatch } from '../testing/onnx-checker.ts';
import { kerasZoo } from '../testing/keras-zoo.ts';
import { maxAbsDiff, run } from '../testing/ort.ts';

const TOLERANCE = 1e-4;
const zoo = kerasZoo('apps');
const checker = new CheckerBatch();
const dir = mkdtempSync(join(tmpdir(), 'latentkit-keras-apps-'));

describe('keras.applications (Keras 3 files) -> pnpm export --keras -> ONNX, against Keras 3', { skip: typeof zoo === 'string' ? zoo : false }, () => {
  if (typeof zoo === 'string') return;
  after(() => {
    checker.assertAllValid('keras.applications exports');
    rmSync(dir, { recursive: true, force: true });
  });
  it('the pnpm export bin writes the same bytes as the in-process CLI (MobileNetV3Small.keras, a real process, exit 0)', () => {
    const file = join(zoo.dir, 'MobileNetV3Small.keras');
    const cli = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
    const out = join(dir, 'bin-mobilenetv3.onnx');
    const r = spawnSync(process.execPath, ['--import', 'tsx', cli, '--keras', file, '--out', out], { encoding: 'utf8', env: { ...process.env, INIT_CWD: dir } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /wrote .*bin-mobilenetv3\.onnx/);
    return exportCommand(['--keras', file, '--out', join(dir, 'inproc-mobilenetv3.onnx')], dir).then(([p]) => {
      assert.deepEqual(readFileSync(out), readFileSync(p));
    });
  });

  for (const c of zoo.cases) {
    it(`${c.name} (${(c.params / 1e6).toFixed(1)}M parameters, input ${c.inputs[0].shape.slice(1).join('x')}): .keras matches Keras 3 within ${TOLERANCE}, .h5 exports the same bytes`, async (t) => {
      const convert = async (ext: string) => {
        const t0 = performance.now();
        const [written] = await exportCommand(['--keras', join(zoo.dir, `${c.name}.${ext}`), '--out', join(dir, `${c.name}-${ext}.onnx`)], dir);
        return { bytes: new Uint8Array(readFileSync(written)), ms: performance.now() - t0 };
      };
      const { bytes, ms } = await convert('keras');
      checker.add(`${c.name}.keras`, bytes);
      const graph = decodeModel(bytes).graph;
      assert.equal(graph.input.length, 1);
      const got = await run(bytes, { [graph.input[0].name]: { data: c.inputs[0].data, dims: c.inputs[0].shape } });
      const y = got[graph.output[0].name];
      assert.deepEqual([...y.dims], c.outputs[0].shape);
      const err = maxAbsDiff(y.data, c.outputs[0].data);
      const scale = Math.max(...Array.from(c.outputs[0].data, Math.abs));
      const h5 = await convert('h5');
      t.diagnostic(`${c.name}: export .keras ${ms.toFixed(0)} ms, .h5 ${h5.ms.toFixed(0)} ms; max |onnx - keras| ${err.toExponential(2)} (logits up to ${scale.toExponential(2)})`);
      assert.ok(err <= TOLERANCE, `${c.name}.keras: max abs error ${err} > ${TOLERANCE}`);
      // The legacy .h5 holds the same model: byte-identical ONNX, so it matches Keras as closely.
      assert.ok(Buffer.from(h5.bytes).equals(Buffer.from(bytes)), `${c.name}.h5 exports other bytes than ${c.name}.keras`);
    });
  }
});
