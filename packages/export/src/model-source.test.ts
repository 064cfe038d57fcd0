import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildVae, saveModel } from '@latentkit/models';
import { exportModel } from './export-model.ts';
import { composeVae, loadModelFolder, type ModelArtifactsLike } from './model-source.ts';

test('a live LayersModel, its tfjs ModelArtifacts and its saved folder export to the same bytes', async () => {
  await tf.setBackend('cpu');
  const { encoder, decoder } = buildVae({ seed: 4 });
  let artifacts: ModelArtifactsLike | undefined;
  await decoder.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a as ModelArtifactsLike;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const live = exportModel(decoder, { role: 'decoder' });
  assert.deepEqual(exportModel(artifacts!, { role: 'decoder' }), live);

  const dir = mkdtempSync(join(tmpdir(), 'latentkit-source-'));
  await saveModel(encoder, join(dir, 'encoder'));
  await saveModel(decoder, join(dir, 'decoder'));
  assert.deepEqual(exportModel(await loadModelFolder(join(dir, 'decoder')), { role: 'decoder' }), live);
  const composedLive = exportModel(composeVae(encoder, decoder), { role: 'vae' });
  const composedDisk = exportModel(composeVae(await loadModelFolder(join(dir, 'encoder')), await loadModelFolder(join(dir, 'decoder'))), { role: 'vae' });
  assert.deepEqual(composedDisk, composedLive);
});

test('loadModelFolder names the file it cannot read', async () => {
  await assert.rejects(loadModelFolder('/nonexistent/decoder'), /Cannot read the tfjs model \/nonexistent\/decoder\/model\.json/);
});
