/**
 * `pnpm export --model decoder|encoder|vae|all [--run runs/NAME] [--out FILE|DIR] [--opset N]
 *   [--precision fp32|fp16|int8] [--calibration-data DIR] [--calibration-images N] [--layout nhwc|nchw]
 *   [--no-fold-bn] [--no-gemm] [--pca-images N] [--no-pca]`
 *
 * Reads a training run folder (default: the newest under runs/) and writes its ONNX bundle
 * (default: runs/NAME/bundle/ for fp32, runs/NAME/bundle-fp16/ and runs/NAME/bundle-int8/ for the others). No Python, no tfjs: model.json and weights are read directly.
 * Exit status (@latentkit/format/node cli-exit.ts): 0 written, 2 bad options, run folder or model (message only), 1 anything
 * else (with stack).
 */
import { Command, Option } from 'commander';
import { dirname, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { BUNDLE_MODELS, buildRunModel, defaultBundleDir, exportRun, type BundleModel } from '../bundle/export-run.ts';
import { modelLabel } from '@latentkit/format';
import { writeFileAtomic } from '@latentkit/format/node';
import { readManifest, resolveRunDir } from '../bundle/run-folder.ts';
import { encodeModel } from '../proto/onnx-proto.ts';
import { BundleWriteError, ExportError } from '../errors.ts';
import { addExportFlags, exportOptionsFrom, parsePositiveInt, type ExportFlags } from './export-flags.ts';
import { isKerasInvocation, kerasMain } from '../keras/cli.ts';
import { isEntryPoint, runCli } from '@latentkit/format/node';

interface CliOptions extends ExportFlags {
  model: BundleModel | 'all';
  run?: string;
  out?: string;
  calibrationData?: string;
  calibrationImages?: number;
  pca: boolean;
  pcaImages?: number;
}

/**
 * `pnpm export` without the process around it: parses `argv` (the arguments after the command),
 * writes the files and returns their absolute paths. Relative paths resolve against `cwd`.
 * @throws CommanderError for a bad command line (commander has printed it), ExportError (and its
 *   subclasses) or UnsupportedLayersError for a run, file or model it cannot export.
 */
export async function exportCommand(argv: string[], cwd = process.env.INIT_CWD ?? process.cwd()): Promise<string[]> {
  if (isKerasInvocation(argv)) return kerasMain(argv, cwd); // Keras files in: src/keras/cli.ts
  const program = new Command('export')
    .description('Export a trained latentkit run (tfjs layers models) to ONNX')
    .addOption(new Option('--model <which>', 'which model to export').choices([...BUNDLE_MODELS, 'all']).default('all'))
    .option('--run <dir>', 'run folder (default: the newest in runs/)')
    .option('--out <path>', 'output: a .onnx file for one model, else a folder (default: <run>/bundle)');
  addExportFlags(program, ['fp32', 'fp16', 'int8'])
    .option('--calibration-data <dir>', 'int8: held-out images to calibrate on, a Fashion-MNIST IDX or CelebA folder (default: the run\'s data, Fashion-MNIST test split, or synthetic faces)')
    .option('--calibration-images <n>', 'int8: how many images to calibrate on (default 256)', parsePositiveInt)
    .option('--pca-images <n>', 'latents above 2-d: held-out images whose z_mean gives the principal components in latents.json (default 1000; from --calibration-data or the run\'s data)', parsePositiveInt)
    .option('--no-pca', 'leave the principal components out of latents.json')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program.parse(argv, { from: 'user' });
  const o = program.opts<CliOptions>();
  const runDir = resolveRunDir(o.run, cwd);
  const calibration = { data: o.calibrationData === undefined ? undefined : resolve(cwd, o.calibrationData), images: o.calibrationImages };
  const exportOptions = { ...exportOptionsFrom(o), calibration };
  const out = o.out === undefined ? undefined : resolve(cwd, o.out);
  const isFile = (p: string) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  const isDir = (p: string) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  };

  if (o.model !== 'all' && out && !isDir(out) && out.endsWith('.onnx')) {
    const proto = await buildRunModel(runDir, o.model, exportOptions);
    await writeFileAtomic(out, encodeModel(proto)).catch((e: unknown) => {
      throw BundleWriteError.from(e, out, 'write', isFile(out));
    });
    console.log(`wrote ${out} (${o.model} of ${runDir}, opset ${o.opset}, ${o.precision}, ${o.layout})`);
    return [out];
  }
  if (out?.endsWith('.onnx')) throw new ExportError(`--out ${o.out}: --model all writes a folder; give a folder path, or pick one --model`);
  // The PC plane, sliders and traverse({ component }) of latents above 2-d (a 2-d model has its own plane).
  const latentDim = (await readManifest(runDir)).latentDim;
  const pca = o.pca && (latentDim > 2 || o.pcaImages !== undefined) ? { images: o.pcaImages, data: calibration.data } : false;
  const result = await exportRun(runDir, {
    ...exportOptions,
    pca,
    models: o.model === 'all' ? BUNDLE_MODELS : [o.model],
    outDir: out ?? defaultBundleDir(runDir, o.precision),
  });
  for (const f of result.files) console.log(`wrote ${f}`);
  console.log(`bundle of ${runDir} (${modelLabel(result.manifest)}, latentDim ${result.manifest.latentDim}) in ${dirname(result.files[0])}`);
  return result.files;
}

/**
 * Runs `pnpm export` with `argv` and returns the exit status; never throws. Errors are printed on
 * stderr as @latentkit/format/node (cli-exit.ts) describes.
 */
export function main(argv: string[], cwd = process.env.INIT_CWD ?? process.cwd()): Promise<number> {
  return runCli(() => exportCommand(argv, cwd), 'export');
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
