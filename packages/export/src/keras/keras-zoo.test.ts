/**
 * Every converter against Keras 3 itself: the small models of test/keras-zoo/make_zoo.py (group
 * "layers": one per layer configuration, built at test time in the reference venv and cached): the
 * `.keras` file exported at opsets 11, 13, 17 and 21 in fp32 and at 17 in fp16, run in
 * onnxruntime-node and compared with Keras's outputs on the same inputs: fp32 within 1e-5 (times the
 * output's scale when it exceeds 1), fp16 within 1e-2 of the scale; the legacy `.h5` of the same
 * model must export to the same bytes. Models the exporter must refuse are checked for the message
 * in both formats; channels_first models for how many Transposes their export keeps. Every compared file goes through onnx 1.23.1's full checker.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportCommand } from '../cli/main.ts';
import { exportModel } from '../export-model.ts';
import type { ExportOptions } from '../options.ts';
import { decodeModel } from '../proto/onnx-proto.ts';
import { CheckerBatch } from '../testing/onnx-checker.ts';
import { kerasZoo, type ZooCase } from '../testing/keras-zoo.ts';
import { maxAbsDiff, run, session, type Feeds } from '../testing/ort.ts';
import { DataType } from '../proto/onnx-types.ts';
import { loadKerasModel, type KerasLoadOptions } from './load.ts';

const OPSETS = [11, 13, 17, 21];
const FP32 = 1e-5;
const FP16 = 1e-2;
const zoo = kerasZoo('layers');
const checker = new CheckerBatch();
let worst32 = 0;
let worst16 = 0;

const scaleOf = (data: Float32Array) => data.reduce((m, v) => Math.max(m, Math.abs(v)), 1);

/** Exports `file`, runs it on the case's inputs (zero noise for sampling layers), returns max errors relative to scale. */
async function compare(c: ZooCase, file: string, load: KerasLoadOptions, options: ExportOptions, label: string): Promise<number> {
  const bytes = exportModel(await loadKerasModel(file, load), options);
  checker.add(label, bytes);
  const graph = decodeModel(bytes).graph;
  const s = await session(bytes);
  const feeds: Feeds = {};
  const batch = c.inputs[0].shape[0];
  let k = 0;
  for (const input of graph.input) {
    if (input.name.startsWith('epsilon')) {
      const dims = input.type!.tensor_type!.shape!.dim!.map((d, i) => (i === 0 ? batch : Number(d.dim_value)));
      feeds[input.name] = { data: new Float32Array(dims.reduce((a, b) => a * b, 1)), dims };
    } else {
      const t = c.inputs[k++];
      const int64 = input.type!.tensor_type!.elem_type === DataType.INT64;
      feeds[input.name] = { data: int64 ? BigInt64Array.from(t.data, (v) => BigInt(v)) : t.data, dims: t.shape };
    }
  }
  const out = await run(s, feeds);
  const names = graph.output.map((o) => o.name);
  let err = 0;
  for (let i = 0; i < (c.deterministic ?? c.outputs.length); i++) {
    const got = out[names[i]];
    assert.deepEqual([...got.dims], c.outputs[i].shape, `${label}: output ${names[i]} shape`);
    err = Math.max(err, maxAbsDiff(got.data, c.outputs[i].data) / scaleOf(c.outputs[i].data));
  }
  return err;
}

describe('Keras 3 layers -> ONNX, against Keras 3 itself', { skip: typeof zoo === 'string' ? zoo : false }, () => {
  if (typeof zoo === 'string') return;
  after(() => {
    console.log(`# keras zoo (Keras ${zoo.keras}${zoo.builtIn ? `, built in ${zoo.builtIn.toFixed(0)} s` : ', cached'}): worst error / scale fp32 ${worst32.toExponential(2)}, fp16 ${worst16.toExponential(2)}`);
    checker.assertAllValid('Keras zoo exports');
  });
  for (const c of zoo.cases) {
    const file = (ext: string) => join(zoo.dir, `${c.name}.${ext}`);
    if (c.refuse) {
      for (const ext of ['keras', 'h5']) {
        it(`${c.name}.${ext} is refused with a message matching /${c.refuse}/`, async () => {
          await assert.rejects(
            async () => exportModel(await loadKerasModel(file(ext))),
            (err: Error) => {
              assert.match(err.message, new RegExp(c.refuse!.replace(/[-]/g, '\\-')));
              assert.equal((err as { code?: string }).code?.startsWith('LATENTKIT_'), true, `typed error, got ${err.name}`);
              return true;
            },
          );
        });
      }
    }
    if (c.refuse && !c.flags) continue;
    const flags = c.flags ? ` with ${JSON.stringify(c.flags)}` : '';
    it(`${c.name}.keras${flags} matches Keras 3 (fp32 opsets ${OPSETS.join(', ')}; fp16); ${c.name}.h5 exports the same bytes`, async () => {
      const label = `${c.name}.keras`;
      for (const opset of OPSETS) {
        const err = await compare(c, file('keras'), c.flags ?? {}, { opset }, `${label}-opset${opset}`);
        worst32 = Math.max(worst32, err);
        assert.ok(err <= FP32, `${label} opset ${opset}: error ${err} x scale > ${FP32}`);
      }
      const err = await compare(c, file('keras'), c.flags ?? {}, { opset: 17, precision: 'fp16' }, `${label}-fp16`);
      worst16 = Math.max(worst16, err);
      assert.ok(err <= FP16, `${label} fp16: error ${err} x scale > ${FP16}`);
      // The legacy .h5 holds the same model: its export must be byte-identical (so it matches Keras too).
      const fromKeras = exportModel(await loadKerasModel(file('keras'), c.flags ?? {}));
      if (c.transposes !== undefined) {
        const ops = decodeModel(fromKeras).graph.node.map((n) => n.op_type);
        assert.equal(ops.filter((o) => o === 'Transpose').length, c.transposes, `${c.name}: Transpose nodes in ${ops.join(', ')}`);
      }
      const fromH5 = exportModel(await loadKerasModel(file('h5'), c.flags ?? {}));
      assert.ok(Buffer.from(fromH5).equals(Buffer.from(fromKeras)), `${c.name}.h5 exports other bytes than ${c.name}.keras`);
      if (c.flags?.samplingLayer) {
        // The CLI flag does what the library option does.
        const dir = mkdtempSync(join(tmpdir(), 'latentkit-zoo-cli-'));
        const [out] = await exportCommand(['--keras', file('keras'), '--sampling-layer', c.flags.samplingLayer, '--out', join(dir, 'x.onnx')], dir);
        assert.ok(readFileSync(out).equals(Buffer.from(fromKeras)), '--sampling-layer exports other bytes than loadKerasModel(file, { samplingLayer })');
        await assert.rejects(exportCommand(['--keras-weights', file('h5'), '--arch', 'vae-decoder', '--sampling-layer', 'X'], dir), /--sampling-layer goes with --keras FILE/);
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
