/**
 * A gradient worker of the parallel stepper (parallel.ts), run in a worker_thread with its own
 * tfjs and wasm instance: it rebuilds the model from spec + args, takes the main thread's weights,
 * and answers each shard with its gradients (computed by step.ts's computeGradients, so both
 * threads run the very same code).
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '../engine/select.ts';
import { buildModel } from '@latentkit/models';
import type { ModelPair } from '@latentkit/models';
import type { FromWorker, ToWorker, WeightValues } from './parallel-protocol.ts';
import { buffersOf } from './parallel-protocol.ts';
import { computeGradients } from './step.ts';
import { allVariables, nonTrainableVariables } from './weights.ts';

if (!parentPort) throw new Error('parallel-worker.ts must run in a worker_thread (see training/parallel.ts)');
const port = parentPort;

let pair: ModelPair | undefined;
let options: { lossScale?: number; microBatch?: number } = {};

function reply(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

function setWeights(values: WeightValues): void {
  const vars = allVariables(pair!);
  for (const [key, v] of vars) {
    const data = values[key];
    if (!data) throw new Error(`weights message lacks "${key}"`);
    if (data.length !== v.size) throw new Error(`weight "${key}": ${data.length} values for shape [${v.shape}]`);
    tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
  }
}

function readAll(vars: Map<string, tf.Variable>): WeightValues {
  const out: WeightValues = {};
  for (const [key, v] of vars) out[key] = (v.dataSync() as Float32Array).slice();
  return out;
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init': {
      const info = await initEngine(message.engine, { log: () => {} });
      pair = buildModel(message.spec, message.modelArgs);
      options = { lossScale: message.lossScale, microBatch: message.microBatch };
      setWeights(message.weights);
      reply({ type: 'ready', engine: info.name });
      return;
    }
    case 'weights':
      setWeights(message.weights);
      return;
    case 'gradients': {
      const [h, w, c] = pair!.imageShape;
      const images = tf.tensor4d(message.images, [message.count, h, w, c]);
      try {
        const result = computeGradients(pair!, images, { ...options, eps: message.eps, klWeight: message.klWeight, labels: message.labels });
        const grads: WeightValues = {};
        for (const [key, g] of Object.entries(result.grads)) grads[key] = (g.dataSync() as Float32Array).slice();
        tf.dispose(Object.values(result.grads));
        const moving = readAll(nonTrainableVariables(pair!));
        reply({ type: 'gradients', id: message.id, losses: result.losses, count: result.count, grads, moving }, [
          ...buffersOf(grads),
          ...buffersOf(moving),
        ]);
      } finally {
        images.dispose();
      }
      return;
    }
    case 'read-weights': {
      const weights = readAll(allVariables(pair!));
      reply({ type: 'weights', id: message.id, weights }, buffersOf(weights));
      return;
    }
    case 'close':
      port.close();
      return;
  }
}

// Messages are handled strictly in order (a weights update must land before the next shard).
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: ToWorker) => {
  queue = queue.then(() => handle(message)).catch((error: unknown) => {
    const e = error instanceof Error ? error : new Error(String(error));
    const id = 'id' in message ? message.id : undefined;
    reply({ type: 'error', id, message: `${message.type}: ${e.message}`, stack: e.stack });
  });
});
