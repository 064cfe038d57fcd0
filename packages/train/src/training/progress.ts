/**
 * Progress reporting for the training loop: a cli-progress bar with loss and ETA on an interactive
 * terminal, one line per epoch otherwise (CI logs, tests, pipes), nothing when quiet.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  startEpoch(epoch: number, epochs: number, batches: number): void;
  update(batchesDone: number, loss: number, imagesPerSecond: number): void;
  endEpoch(line: string): void;
  stop(): void;
}

export type ProgressMode = 'bar' | 'lines' | 'quiet';

const LINE_INTERVAL_MS = 60_000;

export function defaultProgressMode(): ProgressMode {
  if (process.env.CI || process.env.NODE_TEST_CONTEXT) return 'lines';
  return process.stderr.isTTY ? 'bar' : 'lines';
}

export function createProgress(mode: ProgressMode, log: (msg: string) => void): Progress {
  if (mode === 'quiet') return { startEpoch() {}, update() {}, endEpoch() {}, stop() {} };
  if (mode === 'lines') {
    // Long epochs still show signs of life in logs: one line a minute with the running loss and ETA.
    let epochLabel = '';
    let total = 0;
    let started = 0;
    let lastLine = 0;
    return {
      startEpoch(epoch, epochs, batches) {
        epochLabel = `epoch ${epoch}/${epochs}`;
        total = batches;
        started = lastLine = performance.now();
      },
      update(done, loss, ips) {
        const now = performance.now();
        if (now - lastLine < LINE_INTERVAL_MS || done >= total) return;
        lastLine = now;
        const eta = ((now - started) / done) * (total - done) / 1000;
        log(`${epochLabel}: ${done}/${total} batches, loss ${loss.toFixed(4)}, ${ips.toFixed(0)} img/s, ETA ${eta.toFixed(0)} s`);
      },
      endEpoch: (line) => log(line),
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: 'epoch {epoch}/{epochs} |{bar}| {value}/{total} batches | loss {loss} | {ips} img/s | ETA {eta_formatted}',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let active = false;
  return {
    startEpoch(epoch, epochs, batches) {
      bar.start(batches, 0, { epoch, epochs, loss: '-', ips: '-' });
      active = true;
    },
    update(done, loss, ips) {
      bar.update(done, { loss: loss.toFixed(4), ips: ips.toFixed(0) });
    },
    endEpoch(line) {
      if (active) bar.stop();
      active = false;
      log(line);
    },
    stop() {
      if (active) bar.stop();
      active = false;
    },
  };
}
