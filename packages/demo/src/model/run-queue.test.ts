import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunQueue } from './run-queue.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

test('runs one job at a time, interactive jobs before queued background ones', async () => {
  const q = new RunQueue();
  const order: string[] = [];
  let active = 0;
  let maxActive = 0;
  const job = (name: string) => async () => {
    active++;
    maxActive = Math.max(maxActive, active);
    await tick();
    order.push(name);
    active--;
    return name;
  };
  const all = [
    q.run(job('first'), 'background'),
    q.run(job('grid'), 'background'),
    q.run(job('pointer'), 'interactive'),
    q.run(job('slider'), 'interactive'),
  ];
  assert.deepEqual(await Promise.all(all), ['first', 'grid', 'pointer', 'slider']);
  assert.deepEqual(order, ['first', 'pointer', 'slider', 'grid']);
  assert.equal(maxActive, 1);
});

test('a failing job rejects its own promise and does not stop the queue', async () => {
  const q = new RunQueue();
  const failed = q.run(async () => {
    throw new Error('Session mismatch');
  });
  const ok = q.run(async () => 42);
  await assert.rejects(failed, /Session mismatch/);
  assert.equal(await ok, 42);
});
