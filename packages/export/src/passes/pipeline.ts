/**
 * The exporter's graph passes, in order, with one signature (tf2onnx keeps its optimizers the same
 * way: an ordered list in tf2onnx/optimizer/__init__.py). exportModel's converters build the graph;
 * these then rewrite it in place. Each pass says whether the options enable it.
 */
import type { GraphProto } from '../proto/onnx-types.ts';
import type { ResolvedOptions } from '../options.ts';
import { cancelTransposes } from './cancel-transposes.ts';
import { foldBatchNorm } from './fold-batchnorm.ts';
import { foldLayoutTransposes } from './fold-layout-transposes.ts';
import { pruneUnused } from './prune-unused.ts';
import { shareInitializers } from './share-initializers.ts';
import { toFloat16 } from './to-float16.ts';

/** What a pass may read besides the graph: the options, and facts the converters recorded. */
export interface PassContext {
  graph: GraphProto;
  options: ResolvedOptions;
  /** Graph inputs the pass must keep even when unused (the model's own inputs; noise inputs may go). */
  keepInputs: ReadonlySet<string>;
  /** [H, W, C] of NHWC tensors made inside the graph (GraphBuilder.nhwcShapes). */
  nhwcShapes: ReadonlyMap<string, number[]>;
  /** Initializers that must stay float32 under fp16 (GraphBuilder.keepFloat32). */
  keepFloat32: ReadonlySet<string>;
}

export interface GraphPass {
  name: string;
  /** Why the pass exists, for readers of this list. */
  purpose: string;
  enabled(options: ResolvedOptions): boolean;
  run(ctx: PassContext): void;
}

export const PASSES: readonly GraphPass[] = [
  {
    name: 'prune-unused',
    purpose: 'drop nodes no output needs (e.g. the Sampling layer inside vae.onnx) with their noise inputs',
    enabled: () => true,
    run: (ctx) => pruneUnused(ctx.graph, ctx.keepInputs),
  },
  {
    name: 'cancel-transposes',
    purpose: 'remove Transpose pairs that undo each other (around channels_first layers, and through elementwise ops between them)',
    enabled: () => true,
    run: (ctx) => void cancelTransposes(ctx.graph),
  },
  {
    name: 'fold-batchnorm',
    purpose: 'fold inference BatchNormalization into the preceding Conv/ConvTranspose/Gemm',
    enabled: (o) => o.foldBatchNorm,
    run: (ctx) => void foldBatchNorm(ctx.graph),
  },
  {
    name: 'fold-layout-transposes',
    purpose: 'move Flatten/Reshape layout transposes into Dense weights: transposes stay only at the boundary',
    enabled: () => true,
    run: (ctx) => void foldLayoutTransposes(ctx.graph, ctx.nhwcShapes),
  },
  {
    name: 'to-float16',
    purpose: 'fp16 weights and compute, float32 at the boundary',
    enabled: (o) => o.precision === 'fp16',
    run: (ctx) => toFloat16(ctx.graph, ctx.keepFloat32),
  },
  {
    name: 'share-initializers',
    purpose: 'one initializer per distinct weight (a nested model applied twice was converted twice)',
    enabled: () => true,
    run: (ctx) => void shareInitializers(ctx.graph),
  },
];

/** Runs every enabled pass of PASSES, in order. */
export function runPasses(ctx: PassContext, passes: readonly GraphPass[] = PASSES): void {
  for (const pass of passes) if (pass.enabled(ctx.options)) pass.run(ctx);
}
