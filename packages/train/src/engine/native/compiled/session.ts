/**
 * A TensorFlow session over one GraphDef, through what tfjs-node's addon already has: its SavedModel
 * loader (`loadSavedModel`: TF_LoadSessionFromSavedModel, which creates a graph session, so
 * TensorFlow's grappler optimises the graph once: constant folding, Conv2D + BiasAdd + activation
 * fusion, oneDNN layout passes) and runner (`runSavedModel`: one TF_SessionRun with feeds and
 * fetches by name). The graph is written as a SavedModel with no variables folder (the loader then
 * restores nothing) into a temporary folder, loaded, and the folder removed. Resource variables
 * created in the session live as long as it does.
 *
 * LATENTKIT_DUMP_GRAPH=folder keeps a copy of each loaded graph there (graph-1.pb, graph-2.pb, ... in
 * load order; bench/dump-graph.ts, bench/graph_profile.py).
 *
 * XLA: TensorFlow reads TF_XLA_FLAGS when it first loads; `--tf_xla_auto_jit=2
 * --tf_xla_cpu_global_jit` there makes graph sessions on the CPU compile clusters with XLA (see
 * cli/options' --jit). Nothing here changes with it.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type protobuf from 'protobufjs';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { TfBackend } from '../tf-ops.ts';
import type { NodeDefObject } from './graph-def.ts';
import { tensorId } from './trace.ts';
import { loadProto } from '../../../proto/load.ts';

const PROTO_PATH = new URL('./graph.proto', import.meta.url);
/** TensorFlow 2.21's GraphDef version (tf.version.GRAPH_DEF_VERSION): the ops' current semantics. */
const GRAPH_DEF_VERSION = 2474;

let dumped = 0;
let savedModelType: protobuf.Type | undefined;
function savedModelMessage(): protobuf.Type {
  savedModelType ??= loadProto(PROTO_PATH).lookupType('latentkit.tf.SavedModel');
  return savedModelType;
}

/** The SavedModel bytes (saved_model.pb) holding `nodes` as its one meta graph, tagged "serve". */
export function encodeSavedModel(nodes: NodeDefObject[]): Uint8Array {
  const type = savedModelMessage();
  const message = {
    saved_model_schema_version: 1,
    meta_graphs: [{ meta_info_def: { tags: ['serve'] }, graph_def: { node: nodes, versions: { producer: GRAPH_DEF_VERSION } } }],
  };
  const err = type.verify(message);
  if (err) throw new Error(`compiled step: the graph does not encode: ${err}`);
  return type.encode(type.fromObject(message)).finish();
}

interface SessionBinding {
  loadSavedModel(path: string, tags: string): number;
  runSavedModel(id: number, inputIds: number[], inputNames: string, outputNames: string): { id: number; shape: number[]; dtype: number }[];
  deleteSavedModel(id: number): void;
}

/** One loaded graph and its session. */
export class GraphSession {
  private id: number | undefined;
  private readonly binding: SessionBinding;

  /** Loads `nodes` into a new session. @throws Error with TensorFlow's message when the graph is invalid. */
  constructor(private readonly backend: TfBackend, nodes: NodeDefObject[]) {
    this.binding = backend.binding as unknown as SessionBinding;
    const dir = mkdtempSync(join(tmpdir(), 'latentkit-graph-'));
    try {
      mkdirSync(join(dir, 'variables'));
      const bytes = encodeSavedModel(nodes);
      writeFileSync(join(dir, 'saved_model.pb'), bytes);
      // LATENTKIT_DUMP_GRAPH=folder keeps a copy of each graph (graph-1.pb, ...) for profiling in Python.
      const dump = process.env.LATENTKIT_DUMP_GRAPH;
      if (dump) {
        mkdirSync(dump, { recursive: true });
        const file = join(dump, `graph-${++dumped}.pb`);
        writeFileSync(`${file}.partial`, bytes);
        renameSync(`${file}.partial`, file);
      }
      this.id = this.binding.loadSavedModel(dir, 'serve');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * One TF_SessionRun: feeds tensors by placeholder name, returns the fetched tensors (by "node" or
   * "node:k") as tfjs tensors on the 'tensorflow' backend (caller disposes).
   */
  run(feeds: [string, Tensor][], fetches: string[]): Tensor[] {
    if (this.id === undefined) throw new Error('compiled step: the session was disposed');
    const ids = feeds.map(([, t]) => tensorId(this.backend, t));
    const names = feeds.map(([n]) => (n.includes(':') ? n : `${n}:0`));
    const out = this.binding.runSavedModel(this.id, ids, names.join(','), fetches.join(','));
    const create = (this.backend as unknown as { createOutputTensor(m: unknown): Tensor }).createOutputTensor.bind(this.backend);
    return out.map((m) => create(m));
  }

  dispose(): void {
    if (this.id === undefined) return;
    this.binding.deleteSavedModel(this.id);
    this.id = undefined;
  }
}
