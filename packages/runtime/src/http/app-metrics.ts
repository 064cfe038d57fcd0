/**
 * The app's Prometheus series: requests by route/method/status, latency, requests in flight, images
 * decoded, refusals by admission control, and (when the model is micro-batched) the queue and the
 * rows of each session run.
 */
import type { LatentModel } from '../common/latent-model.ts';
import { MicroBatchedModel } from '../common/micro-batcher.ts';
import { Counter, Gauge, Histogram, Registry } from './metrics.ts';

export interface AppMetrics {
  registry: Registry;
  requests: Counter;
  durations: Histogram;
  decoded: Counter;
  /** 503s from admission control, by reason (queue_full, queue_wait, event_loop_delay). */
  rejected: Counter;
  inFlight: { value: number };
}

export function createAppMetrics(model: LatentModel, processMetrics?: () => Record<string, number>): AppMetrics {
  const registry = new Registry();
  const inFlight = { value: 0 };
  const metrics: AppMetrics = {
    registry,
    requests: registry.add(new Counter('http_requests_total', 'HTTP requests by route, method and status.')),
    durations: registry.add(
      new Histogram('http_request_duration_seconds', 'HTTP request latency by route.', [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]),
    ),
    decoded: registry.add(new Counter('latentkit_decoded_images_total', 'Images decoded by the model for answers.')),
    rejected: registry.add(new Counter('latentkit_rejected_requests_total', 'Requests refused with 503 by admission control, by reason (admission_full, admission_timeout: the Node server admission queue; queue_full, queue_wait: the micro-batch queue; event_loop_delay).')),
    inFlight,
  };
  // Both reasons are listed from the start, so a scrape before the first refusal reads 0, not nothing.
  metrics.rejected.inc({ reason: 'queue_full' }, 0);
  metrics.rejected.inc({ reason: 'queue_wait' }, 0);
  metrics.rejected.inc({ reason: 'event_loop_delay' }, 0);
  registry.add(new Gauge('http_requests_in_flight', 'Requests being handled now.', () => inFlight.value));
  if (model instanceof MicroBatchedModel) {
    const batchRows = registry.add(new Histogram('latentkit_decode_batch_rows', 'Latent rows per decoder session run.', [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]));
    model.onBatch((e) => batchRows.observe(e.rows));
    registry.add(new Gauge('latentkit_microbatch_queued_requests', 'Decode requests waiting for a batch.', () => model.queuedRequests));
    registry.add(new Gauge('latentkit_microbatch_queued_rows', 'Latent rows waiting for a batch.', () => model.queuedRows));
    registry.add(new Gauge('latentkit_microbatch_max_queue_rows', 'Admission control: most latent rows allowed to wait (+Inf: unbounded).', () => model.maxQueueRows));
  }
  if (processMetrics) {
    for (const name of Object.keys(processMetrics())) registry.add(new Gauge(name, `${name} (process).`, () => processMetrics()[name] ?? 0));
  }
  return metrics;
}
