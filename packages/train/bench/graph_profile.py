"""Per-op times of one training step as TensorFlow runs it: the compiled step's graph (dumped by
LATENTKIT_DUMP_GRAPH, see bench/dump-graph.ts) or the book's Keras train step, each imported into a
tf.compat.v1 Session and run with RunOptions(trace_level=FULL_TRACE); step_stats gives every kernel's
time after grappler and oneDNN's rewrites (so _MklNativeFusedConv2D, _MklConv2DBackpropFilterWithBias
... appear as they run). Op times are summed per op type, averaged over --traces runs; with two cores
running independent ops at once, the sum exceeds the wall time.

Keras: the model's train_step is traced with tf.function (jit off: the graph Keras runs with
jit_compile=False), its captured variables re-created in the v1 graph with their current values.

usage: graph_profile.py --graph saved_model.pb --batch N      (ours: placeholders bN/images, bN/eps ...)
       graph_profile.py --keras ae|vae|faces-vae | --keras-spec FILE --batch N
       [--steps S] [--traces T] [--top K]
"""
import argparse
import collections
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / 'scripts' / 'python'))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def ours(path, batch):
    """(session, fetches, feeds) of a compiled-step graph, its variables initialised at random."""
    from tensorflow.core.protobuf import saved_model_pb2
    sm = saved_model_pb2.SavedModel()
    sm.ParseFromString(Path(path).read_bytes())
    gd = sm.meta_graphs[0].graph_def
    g = tf.Graph()
    with g.as_default():
        tf.compat.v1.import_graph_def(gd, name='')
    sess = tf.compat.v1.Session(graph=g)
    nodes = {n.name: n for n in gd.node}
    shape = lambda n: [d.size for d in nodes[n].attr['shape'].shape.dim]  # noqa: E731
    rng = np.random.default_rng(0)
    init = {f'{n}:0': np.abs(rng.standard_normal(shape(n)) * 0.05).astype(np.float32) for n in nodes if n.startswith('init/') and nodes[n].op == 'Placeholder'}
    sess.run('init/done:0', init)
    p = f'b{batch}'
    feeds = {f'{p}/images:0': rng.random(shape(f'{p}/images'), dtype=np.float32), 'adam/beta1_power:0': np.float32(0.9), 'adam/beta2_power:0': np.float32(0.999)}
    if f'{p}/eps' in nodes:
        feeds[f'{p}/eps:0'] = rng.standard_normal(shape(f'{p}/eps')).astype(np.float32)
        feeds[f'{p}/kl_weight:0'] = np.float32(1)
    fetches = [f'{p}/{k}:0' for k in ('total', 'reconstruction', 'kl') if f'{p}/{k}' in nodes]
    return sess, fetches, feeds


def keras_step(name, spec_file, batch):
    """(session, fetches, feeds) of the book's (or a spec's) Keras train step, jit off."""
    import keras
    import book_models
    import spec_models
    if spec_file:
        spec = json.loads(Path(spec_file).read_text())
        shape = tuple(spec['inputShape'])
        model = spec_models.training_model(spec, *spec_models.build(spec), jit_compile=False)
        supervised = spec['type'] == 'ae'
    else:
        batch, shape = book_models.BATCH_SIZE[name], book_models.INPUT_SHAPE[name]
        model = book_models.training_model(name, *book_models.build(name), jit_compile=False)
        supervised = name == 'ae'
    x = np.random.default_rng(3).random((batch, *shape), dtype=np.float32)
    model.fit(tf.data.Dataset.from_tensors((x, x) if supervised else x).repeat(), epochs=1, steps_per_epoch=2, verbose=0)
    spec_ = tf.TensorSpec(x.shape, tf.float32)
    cf = (tf.function(lambda a, b: model.train_step((a, b))).get_concrete_function(spec_, spec_) if supervised
          else tf.function(lambda a: model.train_step(a)).get_concrete_function(spec_))
    values = {}
    for v in list(model.variables) + list(model.optimizer.variables) + [w for m in model.metrics for w in m.variables]:
        tv = getattr(v, 'value', v)
        if hasattr(tv, 'handle'):
            values[id(tv.handle)] = tv.numpy()

    def read(handle):
        for dt in (tf.float32, tf.int64, tf.uint32, tf.int32):
            try:
                return tf.raw_ops.ReadVariableOp(resource=handle, dtype=dt).numpy()
            except Exception:  # noqa: BLE001 (try the next dtype)
                pass
        raise SystemExit('graph_profile: a captured resource of unknown dtype')
    captures = [(ext, internal, values[id(ext)] if id(ext) in values else read(ext) if ext.dtype == tf.resource else ext.numpy())
                for ext, internal in cf.graph.captures]
    g = tf.Graph()
    with g.as_default():
        input_map, inits = {}, []
        for ext, internal, value in captures:
            if ext.dtype == tf.resource:
                v = tf.Variable(value)
                input_map[internal.name] = v.handle
                inits.append(v.initializer)
            else:
                input_map[internal.name] = tf.constant(value)
        tf.compat.v1.import_graph_def(cf.graph.as_graph_def(), input_map=input_map, name='k')
    sess = tf.compat.v1.Session(graph=g)
    sess.run(inits)
    feeds = {f'k/{t.name}': x for t in cf.inputs if t.dtype != tf.resource}
    return sess, [f'k/{t.name}' for t in cf.outputs], feeds


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--graph')
    p.add_argument('--keras')
    p.add_argument('--keras-spec')
    p.add_argument('--batch', type=int)
    p.add_argument('--steps', type=int, default=20)
    p.add_argument('--traces', type=int, default=5)
    p.add_argument('--top', type=int, default=30)
    p.add_argument('--nodes', type=int, default=0, help='also list the K slowest nodes of the last traced run')
    a = p.parse_args()
    if a.graph:
        if not a.batch:
            p.error('--graph needs --batch N')
        sess, fetches, feeds = ours(a.graph, a.batch)
    elif a.keras or a.keras_spec:
        sess, fetches, feeds = keras_step(a.keras, a.keras_spec, a.batch)
    else:
        p.error('one of --graph, --keras, --keras-spec')
    for _ in range(5):
        sess.run(fetches, feeds)
    t, c = time.perf_counter(), time.process_time()
    for _ in range(a.steps):
        sess.run(fetches, feeds)
    print(f'{a.graph or a.keras or a.keras_spec}: {(time.perf_counter() - t) / a.steps * 1000:.1f} ms/step wall, '
          f'{(time.process_time() - c) / a.steps * 1000:.1f} CPU ms/step (all threads), {a.steps} steps')
    per_op = collections.defaultdict(lambda: [0.0, 0.0])
    per_node = collections.defaultdict(float)
    for _ in range(a.traces):
        md = tf.compat.v1.RunMetadata()
        sess.run(fetches, feeds, options=tf.compat.v1.RunOptions(trace_level=tf.compat.v1.RunOptions.FULL_TRACE), run_metadata=md)
        for dev in md.step_stats.dev_stats:
            for ns in dev.node_stats:
                op = ns.timeline_label.split(' = ')[1].split('(')[0] if ' = ' in ns.timeline_label else ns.node_name
                per_op[op][0] += ns.op_end_rel_micros / a.traces / 1000
                per_op[op][1] += 1 / a.traces
                per_node[ns.timeline_label or ns.node_name] += ns.op_end_rel_micros / a.traces / 1000
    print(f'op time per step (sum over ops): {sum(v[0] for v in per_op.values()):.1f} ms')
    for op, (ms, calls) in sorted(per_op.items(), key=lambda kv: -kv[1][0])[:a.top]:
        print(f'  {op:42s} {ms:8.2f} ms {calls:5.0f} calls')
    if a.nodes:
        print(f'slowest nodes (mean over {a.traces} traced runs):')
        for label, ms in sorted(per_node.items(), key=lambda kv: -kv[1])[:a.nodes]:
            print(f'  {ms:8.2f} ms  {label[:160]}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
