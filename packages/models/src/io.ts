/**
 * Saving and loading tfjs layers models in tfjs's own on-disk format (what tfjs-node's file://
 * handler writes): `model.json` ({ modelTopology, weightsManifest, format, generatedBy, convertedBy })
 * beside one `weights.bin`. tfjs-node is not available here, so this is a small custom IOHandler.
 *
 * Writes are atomic per file, weights.bin first and model.json last: model.json is the file readers
 * open first. The checkpoint code makes whole folders atomic on top of this (see training/checkpoint.ts).
 * Importing this module registers the Sampling layer, so models containing it load.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValueError } from './errors.ts';
import { writeFileAtomic, writeJsonAtomic } from '@latentkit/format/node';
import './sampling.ts';

/** The topology and weights manifest of a saved model (tfjs layers format). */
export const MODEL_JSON = 'model.json';
/** The weights of a saved model: every weight's float32 values, in the manifest's order. */
export const WEIGHTS_BIN = 'weights.bin';

function toBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/**
 * A tfjs IOHandler writing and reading `dir/model.json` + `dir/weights.bin`, both written atomically
 * (temporary file, then rename). Its `save` throws ValueError for a graph (binary) topology; its
 * `load` throws ValueError when model.json is missing, unreadable or not a layers model, or when
 * weights.bin does not hold the bytes the manifest lists.
 */
export function fileHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new ValueError('saveModel: binary (graph) topologies are not supported; pass a tfjs layers model');
      }
      const weights = toBytes(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
      };
      if (artifacts.userDefinedMetadata !== undefined) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      await writeFileAtomic(join(dir, WEIGHTS_BIN), weights);
      await writeJsonAtomic(join(dir, MODEL_JSON), modelJson);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: weights.byteLength,
        },
      };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonPath = join(dir, MODEL_JSON);
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
      } catch (err) {
        throw new ValueError(`loadModel: cannot read ${jsonPath}: ${(err as Error).message}`);
      }
      if (modelJson.modelTopology == null || !Array.isArray(modelJson.weightsManifest)) {
        throw new ValueError(`loadModel: ${jsonPath} is not a tfjs layers model.json (needs modelTopology and weightsManifest)`);
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: Uint8Array[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const p of group.paths) buffers.push(await readFile(join(dir, p)));
        }
        const total = buffers.reduce((n, b) => n + b.byteLength, 0);
        const expected = specs.reduce((n, s) => n + specBytes(s), 0);
        if (total !== expected) {
          throw new ValueError(
            `loadModel: weights in ${dir} hold ${total} bytes but ${jsonPath} describes ${expected}; the files do not belong together`,
          );
        }
        const joined = new Uint8Array(total);
        let offset = 0;
        for (const b of buffers) {
          joined.set(b, offset);
          offset += b.byteLength;
        }
        return [specs, joined.buffer];
      });
    },
  };
}

function specBytes(spec: tf.io.WeightsManifestEntry): number {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.quantization) {
    const q = spec.quantization.dtype;
    return n * (q === 'uint8' ? 1 : q === 'uint16' || q === 'float16' ? 2 : 4);
  }
  if (spec.dtype === 'float32' || spec.dtype === 'int32') return n * 4;
  if (spec.dtype === 'bool') return n;
  throw new ValueError(`loadModel: unsupported weight dtype ${spec.dtype} for ${spec.name}`);
}

/**
 * Saves a tfjs layers model to `dir` (created if needed) as model.json + weights.bin (fileHandler).
 * Custom layers (Sampling) are saved by class name, so loadModel finds them again.
 * @throws ValueError for a model whose topology is not a layers model; file system errors as is.
 */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save(fileHandler(dir));
}

/**
 * Loads a model saved by saveModel (or any tfjs layers model.json + weights.bin in `dir`).
 * @throws ValueError when `dir` holds no readable model.json, it is not a layers model, or weights.bin
 *   is shorter or longer than the manifest says.
 */
export async function loadModel(dir: string): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(fileHandler(dir));
}
