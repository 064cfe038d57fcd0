/**
 * The training run's TensorBoard log (events files written by src/tensorboard, so every engine has
 * one): what is logged, under which tags, at which steps.
 *
 * Steps are global training steps (batches done, 1-based), for every tag, so one x axis serves all
 * charts and a resumed run's SessionLog START can drop everything logged after its checkpoint:
 *   batch/*    at the step of each batch: loss (total), reconstruction_loss and kl_loss (VAEs),
 *              learning_rate, images_per_second (this batch's images over its wall time)
 *   epoch/*    at the last step of each epoch: the epoch's mean train losses (as metrics.jsonl),
 *              val_loss, val_reconstruction_loss, val_kl_loss, learning_rate, images_per_second,
 *              seconds, epoch (1-based)
 *   images/samples          the epoch's decoded random latents (the samples/epoch-NNNN.png)
 *   images/reconstructions  the first validation images (top row) against their reconstructions (epoch-views.ts)
 *   weights/<model>/<weight>, latent/<z_mean|z_log_var|z>  histograms, when `histograms` is on
 *   run/hparams, run/model  text: the run's settings as a table and the two models' layer summaries,
 *              at the first step the process logs (0 for a new run)
 *
 * Resume: a run that continues its log (resume after a kill) opens a new events file whose
 * SessionLog START names the first step after the checkpoint, so TensorBoard drops the steps the
 * killed process logged after it and the resumed run logs them again once (event-file.ts).
 * A new run refuses a log folder that already holds events files.
 */
import type { ModelPair } from '@latentkit/models';
import { ValueError } from '../errors.ts';
import { eventFiles, EventFileWriter } from '../tensorboard/event-file.ts';
import { histogramOf } from '../tensorboard/histogram.ts';
import type { SummaryValue } from '../tensorboard/proto.ts';
import { histogramValue, imageValue, scalarValue, textValue } from '../tensorboard/summaries.ts';
import type { Dataset, EpochMetrics, Losses } from '../types.ts';
import { firstImages, latentValues, reconstructionGrid, type ImageSet } from './epoch-views.ts';
import type { RenderedPng } from './pictures.ts';

/** Validation images shown reconstructed each epoch. */
export const RECONSTRUCTION_IMAGES = 10;
/**
 * Validation images whose latents are histogrammed each epoch (with `histograms`): encoding them is
 * most of the histograms' cost (~200 ms for 500 on a loaded 2-core machine), 200 keep it small.
 */
export const LATENT_HISTOGRAM_IMAGES = 200;

export interface TensorBoardLogOptions {
  /** The log folder (events files go straight into it; TensorBoard names the run after it). */
  dir: string;
  pair: ModelPair;
  validation: Dataset;
  batchesPerEpoch: number;
  /** Completed epochs when the run starts (the checkpoint's; 0 for a new run). */
  startEpoch: number;
  /** True for a resumed run: continue the log in `dir` (SessionLog START); false refuses a folder with events files. */
  resume: boolean;
  learningRate: number;
  /** Weight and latent histograms every epoch. */
  histograms: boolean;
  /** Settings shown in run/hparams, in order. */
  hparams: Record<string, string | number | boolean | undefined>;
}

function hparamsTable(hparams: TensorBoardLogOptions['hparams']): string {
  const rows = Object.entries(hparams)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `| ${k} | ${String(v).replace(/\|/g, '\\|')} |`);
  return ['| setting | value |', '|---|---|', ...rows].join('\n');
}

function modelSummary(pair: ModelPair): string {
  const parts: string[] = [];
  for (const model of [pair.encoder, pair.decoder]) {
    const lines: string[] = [];
    model.summary(100, undefined, (line: string) => lines.push(line));
    parts.push(`**${model.name}**\n\n${lines.map((l) => `    ${l}`).join('\n')}`);
  }
  return parts.join('\n\n');
}

/** Losses as scalars under `prefix` (total as `loss`; reconstruction and KL for the VAEs). */
function lossScalars(prefix: string, l: Losses, out: SummaryValue[]): void {
  out.push(scalarValue(`${prefix}loss`, l.total));
  if (l.kl !== undefined) out.push(scalarValue(`${prefix}reconstruction_loss`, l.reconstruction), scalarValue(`${prefix}kl_loss`, l.kl));
}

export class TensorBoardLog {
  /** Milliseconds spent in this log's methods so far (encoding, writing, epoch pictures and histograms). */
  busyMs = 0;
  private readonly writer: EventFileWriter;

  private constructor(
    private readonly options: TensorBoardLogOptions,
    private readonly views: ImageSet,
  ) {
    this.writer = new EventFileWriter(options.dir, options.resume ? { restartStep: options.startEpoch * options.batchesPerEpoch + 1 } : {});
  }

  /**
   * Opens the log (a new events file in options.dir), reads the validation images its epoch views
   * use, and logs run/hparams and run/model.
   * @throws ValueError when a new run (resume false) finds events files in options.dir, naming them;
   *   DataError from the validation data; the file system's error when the folder cannot be written.
   */
  static async open(options: TensorBoardLogOptions): Promise<TensorBoardLog> {
    const started = performance.now();
    const existing = eventFiles(options.dir);
    if (!options.resume && existing.length > 0) {
      throw new ValueError(
        `${options.dir} already holds TensorBoard events files (${existing[0]}${existing.length > 1 ? `, +${existing.length - 1}` : ''}) ` +
          'of another run; pass --resume to continue that run, or choose another --out name or --logdir',
      );
    }
    const views = await firstImages(options.validation, options.histograms ? LATENT_HISTOGRAM_IMAGES : RECONSTRUCTION_IMAGES);
    const log = new TensorBoardLog(options, views);
    const step = options.resume ? options.startEpoch * options.batchesPerEpoch + 1 : 0;
    log.writer.write(step, [textValue('run/hparams', hparamsTable(options.hparams)), textValue('run/model', modelSummary(options.pair))]);
    log.busyMs += performance.now() - started;
    return log;
  }

  /** The events file this process writes. */
  get path(): string {
    return this.writer.path;
  }

  /** The global step of batch `batch` (0-based) of epoch `epoch` (0-based): epoch * batchesPerEpoch + batch + 1. */
  stepOf(epoch: number, batch: number): number {
    return epoch * this.options.batchesPerEpoch + batch + 1;
  }

  /** Logs one training batch's losses and speed (batch/*). */
  logBatch(epoch: number, batch: number, losses: Losses, imagesPerSecond: number): void {
    const started = performance.now();
    const values: SummaryValue[] = [];
    lossScalars('batch/', losses, values);
    values.push(scalarValue('batch/learning_rate', this.options.learningRate), scalarValue('batch/images_per_second', imagesPerSecond));
    this.writer.write(this.stepOf(epoch, batch), values);
    this.busyMs += performance.now() - started;
  }

  /**
   * Logs a finished epoch (`metrics.epoch` is 1-based) at its last step: epoch/* scalars, the samples
   * PNG, the reconstructions and, with histograms on, weight and latent histograms; then fsyncs.
   */
  async logEpoch(metrics: EpochMetrics, samples: RenderedPng): Promise<void> {
    const started = performance.now();
    const { pair } = this.options;
    const values: SummaryValue[] = [];
    lossScalars('epoch/', metrics.train, values);
    lossScalars('epoch/val_', metrics.val, values);
    values.push(
      scalarValue('epoch/learning_rate', this.options.learningRate),
      scalarValue('epoch/images_per_second', metrics.imagesPerSecond),
      scalarValue('epoch/seconds', metrics.seconds),
      scalarValue('epoch/epoch', metrics.epoch),
      imageValue('images/samples', samples.png, samples.width, samples.height, 3),
    );
    const recon = await reconstructionGrid(pair, this.views, RECONSTRUCTION_IMAGES);
    values.push(imageValue('images/reconstructions', recon.png, recon.width, recon.height, 3));
    if (this.options.histograms) {
      for (const model of [pair.encoder, pair.decoder]) {
        for (const w of model.weights) {
          values.push(histogramValue(`weights/${model.name}/${w.name}`, histogramOf((await w.read().data()) as Float32Array)));
        }
      }
      for (const [name, v] of Object.entries(await latentValues(pair, this.views))) values.push(histogramValue(`latent/${name}`, histogramOf(v)));
    }
    this.writer.write(this.stepOf(metrics.epoch - 1, this.options.batchesPerEpoch - 1), values);
    this.writer.flush();
    this.busyMs += performance.now() - started;
  }

  /** Flushes and closes the events file. Idempotent. */
  close(): void {
    this.writer.close();
  }
}
