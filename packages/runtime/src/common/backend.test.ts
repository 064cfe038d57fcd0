/**
 * Dispatch through the public registerBackend API: priorities, and a backend whose init() fails is
 * skipped and remembered. The registered backends wrap the real onnxruntime-node backend.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ortNode from 'onnxruntime-node';
import { LatentModel, registerBackend, registeredBackends, type Backend } from '../node/index.ts';
import { createOrtBackend, type OrtLike } from './ort-backend.ts';
import { makeBundle } from '../../test/fixtures.ts';

const real = createOrtBackend(ortNode as unknown as OrtLike, { providers: ['cpu'] });

function counting(providers: string[], initError?: string) {
  const calls = { init: 0, sessions: 0 };
  const backend: Backend = {
    providers,
    async init() {
      calls.init++;
      if (initError) throw new Error(initError);
    },
    async createSession(model, options) {
      calls.sessions++;
      return real.createSession(model, options);
    },
  };
  return { backend, calls };
}

test('the highest-priority backend that initialises serves the provider; a failed one is skipped from then on', async () => {
  const dir = await makeBundle({ withoutEncoder: true });
  const broken = counting(['cpu'], 'no device here');
  const preferred = counting(['cpu']);
  const lower = counting(['cpu']);
  registerBackend('test-broken', broken.backend, 300);
  registerBackend('test-preferred', preferred.backend, 200);
  registerBackend('test-lower', lower.backend, 150);
  await real.init();

  const a = await LatentModel.load(dir, { device: 'cpu' });
  const b = await LatentModel.load(dir, { device: 'cpu' });
  assert.equal(a.provider, 'cpu');
  assert.deepEqual(broken.calls, { init: 1, sessions: 0 }); // tried once, remembered
  assert.deepEqual(preferred.calls, { init: 1, sessions: 2 });
  assert.deepEqual(lower.calls, { init: 0, sessions: 0 });
  assert.match(registeredBackends().find((r) => r.name === 'test-broken')?.failed ?? '', /no device here/);
  assert.equal((await b.sample(1, { seed: 1 })).images.shape[0], 1);
  await Promise.all([a.dispose(), b.dispose()]);
});
