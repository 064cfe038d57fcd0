/**
 * `pnpm export` with Keras files (src/cli/main.ts hands over when a --keras* flag is given):
 *
 *   pnpm export --keras FILE [--out x.onnx] [--role encoder|decoder] [--sampling-layer CLASS]
 *   pnpm export --keras-weights FILE --arch vae-decoder [--out x.onnx]
 *   pnpm export --keras-encoder E --keras-decoder D [--kind ae|vae|faces-vae] [--out runs/NAME/bundle]
 *               [--labels a,b,...] [--attributes a,b,...] [--latents latents.json] [--epochs N]
 *   pnpm export --keras-encoder E --keras-decoder D --tfjs-run runs/NAME   (a run folder for pnpm train --resume)
 *
 * plus the usual --opset, --precision, --layout, --no-fold-bn, --no-gemm. Bad input (a file that is
 * not a Keras model, truncated, unknown layers, a SavedModel folder) exits with 2 and
 * writes nothing.
 */
import { Command, Option } from 'commander';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { modelLabel, type ModelKind } from '@latentkit/format';
import { writeFileAtomic } from '@latentkit/format/node';
import { workspaceRoot } from '@latentkit/format/node';
import { ExportError, UnsupportedLayersError } from '../errors.ts';
import { exportModel } from '../export-model.ts';
import { type ModelRole, type Precision } from '../options.ts';
import { addExportFlags, exportOptionsFrom, parsePositiveInt, type ExportFlags } from '../cli/export-flags.ts';
import { BOOK_ARCHITECTURES, loadKerasWeights } from './arch.ts';
import { defaultBundleDir } from '../bundle/export-run.ts';
import { exportKerasBundle } from './bundle.ts';
import { KerasFileError } from './errors.ts';
import { loadKerasModel, type KerasFileSource } from './load.ts';
import { writeKerasRunFolder } from './run-folder.ts';

export const KERAS_FLAGS = ['--keras', '--keras-weights', '--keras-encoder', '--keras-decoder'];

/** True when argv asks for a Keras export. */
export function isKerasInvocation(argv: string[]): boolean {
  return argv.some((a) => KERAS_FLAGS.includes(a.split('=')[0]));
}

interface KerasCliOptions extends ExportFlags<Exclude<Precision, 'int8'>> {
  keras?: string;
  kerasWeights?: string;
  arch?: string;
  latentDim?: number;
  kerasEncoder?: string;
  kerasDecoder?: string;
  kind?: ModelKind;
  labels?: string[];
  attributes?: string[];
  latents?: string;
  epochs?: number;
  tfjsRun?: string;
  role?: ModelRole;
  out?: string;
  samplingLayer?: string;
}

const parseList = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);

/** Errors of the conversion itself (unknown layers, bad configs) are bad input too: name the file. */
async function asFileError<T>(file: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof KerasFileError) throw err;
    if (err instanceof ExportError || err instanceof UnsupportedLayersError) throw new KerasFileError(file, err.message);
    throw err;
  }
}

export async function kerasMain(argv: string[], cwd: string): Promise<string[]> {
  const program = new Command('export')
    .description('Export Keras .keras / .h5 files (Keras 3, or Keras 2 / tf.keras) to ONNX or to a Latentkit bundle')
    .option('--keras <file>', 'one Keras model (.keras or .h5) -> one .onnx')
    .option('--keras-weights <file>', 'a Keras 3 weights-only file (.weights.h5), with --arch')
    .addOption(new Option('--arch <name>', "the book architecture the weights belong to").choices([...BOOK_ARCHITECTURES]))
    .option('--latent-dim <n>', 'latent size of --arch (default: read from the weights)', parsePositiveInt)
    .option('--keras-encoder <file>', 'encoder of a pair -> a bundle (.keras, .h5, or .weights.h5 with --kind)')
    .option('--keras-decoder <file>', 'decoder of a pair -> a bundle')
    .addOption(new Option('--kind <kind>', 'model kind of the pair (default: from the encoder)').choices(['ae', 'vae', 'faces-vae']))
    .option('--labels <names>', 'comma-separated class names (default: Fashion-MNIST for 32x32x1 images)', parseList)
    .option('--attributes <names>', 'comma-separated attribute names (faces)', parseList)
    .option('--latents <file>', "a latents.json ({ points: [[x, y, label], ...] }) for the explorer's latent plane")
    .option('--epochs <n>', 'epochs the Keras model trained for, shown by the explorer (default 0: unknown)', parsePositiveInt)
    .option('--tfjs-run <dir>', 'instead of a bundle, write a tfjs run folder that `pnpm train --resume` fine-tunes')
    .addOption(new Option('--role <role>', 'name inputs/outputs as a Latentkit encoder or decoder (default: Keras layer names)').choices(['encoder', 'decoder']))
    .option('--out <path>', 'a .onnx file (one model) or a bundle folder (a pair; default runs/keras-<kind>/bundle)')
    .option('--sampling-layer <class>', 'with --keras: the class name of a custom VAE sampling layer (two inputs [z_mean, z_log_var], no weights) saved under a name other than Sampling, e.g. Reparameterize');
  // int8 needs a run's held-out data to calibrate on: --tfjs-run, then `pnpm export --run --precision int8`.
  addExportFlags(program, ['fp32', 'fp16'])
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program.parse(argv, { from: 'user' });
  const o = program.opts<KerasCliOptions>();
  const exportOptions = exportOptionsFrom(o);
  const abs = (p: string) => resolve(cwd, p);
  const modes = [o.keras, o.kerasWeights, o.kerasEncoder ?? o.kerasDecoder].filter(Boolean).length;
  if (modes !== 1) throw new ExportError('give exactly one of --keras FILE, --keras-weights FILE --arch NAME, or --keras-encoder E --keras-decoder D');

  if (o.kerasEncoder || o.kerasDecoder) {
    if (!o.kerasEncoder || !o.kerasDecoder) throw new ExportError('a bundle needs both --keras-encoder and --keras-decoder');
    if (o.out?.endsWith('.onnx')) throw new ExportError(`--out ${o.out}: a pair is written as a bundle folder, not one .onnx`);
    const encoderFile = abs(o.kerasEncoder);
    if (o.tfjsRun) {
      const runDir = abs(o.tfjsRun);
      const { manifest } = await asFileError(encoderFile, () =>
        writeKerasRunFolder({ encoder: encoderFile, decoder: abs(o.kerasDecoder!), outDir: runDir, kind: o.kind, labelNames: o.labels, attributeNames: o.attributes }),
      );
      console.log(`wrote the ${manifest.kind} run folder ${runDir} (checkpoint at epoch 0); fine-tune with: pnpm train --model ${manifest.kind} --out ${runDir} --resume --epochs N`);
      return [runDir];
    }
    const outDir = o.out ? abs(o.out) : undefined;
    const result = await asFileError(encoderFile, async () => {
      const root = workspaceRoot(cwd) ?? cwd;
      return exportKerasBundle({
        ...exportOptions,
        encoder: encoderFile,
        decoder: abs(o.kerasDecoder!),
        kind: o.kind,
        labelNames: o.labels,
        attributeNames: o.attributes,
        latents: o.latents === undefined ? undefined : abs(o.latents),
        epochs: o.epochs,
        outDir: outDir ?? defaultBundleDir(join(root, 'runs', `keras-${o.kind ?? 'model'}`), o.precision),
      });
    });
    for (const f of result.files) console.log(`wrote ${f}`);
    const t = result.timings;
    console.log(
      `bundle (${modelLabel(result.manifest)}, latentDim ${result.manifest.latentDim}, image ${result.manifest.imageShape.join('x')}) in ${result.outDir}: ` +
        `read ${t.read.toFixed(0)} ms, encoder ${t.encoder?.toFixed(0)} ms, decoder ${t.decoder?.toFixed(0)} ms, vae ${t.vae?.toFixed(0)} ms`,
    );
    return result.files;
  }

  const file = abs((o.keras ?? o.kerasWeights)!);
  if (o.samplingLayer !== undefined && !o.keras) throw new ExportError('--sampling-layer goes with --keras FILE');
  if (o.kerasWeights && !o.arch) throw new ExportError(`--keras-weights needs --arch (${BOOK_ARCHITECTURES.join(', ')})`);
  const out = o.out ? abs(o.out) : join(dirname(file), `${basename(file, extname(file)).replace(/\.weights$/, '')}.onnx`);
  if (!out.endsWith('.onnx')) throw new ExportError(`--out ${o.out}: one model is written to a .onnx file`);
  const t0 = performance.now();
  const bytes = await asFileError(file, async () => {
    const source: KerasFileSource = o.kerasWeights ? await loadKerasWeights(file, o.arch!, { latentDim: o.latentDim }) : await loadKerasModel(file, { samplingLayer: o.samplingLayer });
    return exportModel(source, { ...exportOptions, role: o.role });
  });
  await writeFileAtomic(out, bytes);
  console.log(`wrote ${out} (${(bytes.length / 1024).toFixed(0)} KiB, opset ${o.opset}, ${o.precision}, ${o.layout}) in ${(performance.now() - t0).toFixed(0)} ms`);
  return [out];
}
