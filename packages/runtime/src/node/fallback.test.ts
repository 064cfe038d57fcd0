import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatentModel, env, providerFailures } from './index.ts';
import { makeBundle } from '../../test/fixtures.ts';

test('device cuda falls back to cpu, says why once, and skips cuda on later loads', async () => {
  const messages: string[] = [];
  env.logger = (m) => messages.push(m);
  const dir = await makeBundle();
  const first = await LatentModel.load(dir, { device: 'cuda' });
  const second = await LatentModel.load(dir, { device: 'cuda' });
  const auto = await LatentModel.load(dir, { device: 'auto' });
  assert.equal(first.provider, 'cpu');
  assert.equal(second.provider, 'cpu');
  assert.equal(auto.provider, 'cpu');
  const fallbacks = messages.filter((m) => m.includes('cuda execution provider unavailable'));
  assert.equal(fallbacks.length, 1, messages.join('\n'));
  assert.match(fallbacks[0], /falling back to cpu/);
  assert.match(providerFailures().cuda, /shared library|cuda/i);
  assert.equal((await first.sample(2, { seed: 1 })).images.shape[0], 2);
  await Promise.all([first.dispose(), second.dispose(), auto.dispose()]);
});
