/**
 * keras.applications models with their classifier tops (weights=None, small inputs; built at test
 * time by test/keras-zoo/make_zoo.py --group apps in the reference venv and cached), each saved by
 * Keras 3 as `.keras` and as legacy `.h5`, converted by `pnpm export --keras FILE --out x.onnx` (the
 * CLI's own code, in-process), run in onnxruntime-node on a fixed batch of 2 and compared with
 * Keras 3's outputs: within 1e-4 (fp32). Every exported file then goes through onnx 1.23.1's full
 * checker. The first run builds the models (~1-2 min on 2 cores); later runs read the cache.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  for (const c of zoo.cases) {
    for (const ext of ['keras', 'h5']) {
      it(`${c.name}.${ext} (${(c.params / 1e6).toFixed(1)}M parameters, input ${c.inputs[0].shape.slice(1).join('x')}) matches Keras 3 within ${TOLERANCE}`, async (t) => {
        const out = join(dir, `${c.name}-${ext}.onnx`);
        const t0 = performance.now();
        const [written] = await exportCommand(['--keras', join(zoo.dir, `${c.name}.${ext}`), '--out', out], dir);
        const ms = performance.now() - t0;
        const bytes = new Uint8Array(readFileSync(written));
        checker.add(`${c.name}.${ext}`, bytes);
        const graph = decodeModel(bytes).graph;
        assert.equal(graph.input.length, 1);
        const got = await run(bytes, { [graph.input[0].name]: { data: c.inputs[0].data, dims: c.inputs[0].shape } });
        const y = got[graph.output[0].name];
        assert.deepEqual([...y.dims], c.outputs[0].shape);
        const err = maxAbsDiff(y.data, c.outputs[0].data);
        const scale = Math.max(...Array.from(c.outputs[0].data, Math.abs));
        t.diagnostic(`${c.name}.${ext}: export ${ms.toFixed(0)} ms, max |onnx - keras| ${err.toExponential(2)} (outputs up to ${scale.toExponential(2)})`);
        assert.ok(err <= TOLERANCE, `${c.name}.${ext}: max abs error ${err} > ${TOLERANCE}`);
      });
    }
  }
});
