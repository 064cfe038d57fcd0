import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { compiledStepReplicas, interOpThreads, intraOpThreads, requestOneThreadPerOp } from './threads.ts';

test('one thread per op is asked for through TF_NUM_INTRAOP_THREADS, without overriding a value the user set', () => {
  const env: NodeJS.ProcessEnv = {};
  assert.equal(intraOpThreads(env), availableParallelism());
  assert.equal(requestOneThreadPerOp(env), 1);
  assert.equal(env.TF_NUM_INTRAOP_THREADS, '1');
  const user: NodeJS.ProcessEnv = { TF_NUM_INTRAOP_THREADS: '3' };
  assert.equal(requestOneThreadPerOp(user), 3);
  assert.equal(user.TF_NUM_INTRAOP_THREADS, '3');
  // What TensorFlow would not read as a thread count falls back to its default, the core count.
  assert.equal(intraOpThreads({ TF_NUM_INTRAOP_THREADS: 'two' }), availableParallelism());
  assert.equal(interOpThreads({ TF_NUM_INTEROP_THREADS: '4' }), 4);
});

test('the compiled step takes one shard per inter-op thread only with one thread per op and no BatchNormalization', () => {
  const oneThread = { TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '4' };
  assert.equal(compiledStepReplicas({ batchNorm: false, batchSize: 100 }, oneThread), 4);
  assert.equal(compiledStepReplicas({ batchNorm: true, batchSize: 100 }, oneThread), 1);
  assert.equal(compiledStepReplicas({ batchNorm: false, batchSize: 3 }, oneThread), 3, 'never more shards than images');
  assert.equal(compiledStepReplicas({ batchNorm: false, batchSize: 100 }, { TF_NUM_INTRAOP_THREADS: '2', TF_NUM_INTEROP_THREADS: '4' }), 1);
});
