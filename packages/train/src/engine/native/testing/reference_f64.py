"""Float64 reference of one training step of the book's models, for the native-parity test.

Reads the JSON that dump-step.ts writes (weights before the step, images, VAE noise, and the float32
results of our native path and of tfjs's own path), recomputes the same step with TensorFlow
(GradientTape over tf.nn ops: conv2d, conv2d_transpose, batch statistics, the book's losses) twice:
in float64 (the reference) and in float32 (TensorFlow's own float32 arithmetic, as Keras runs the
book's code), and prints, per tensor, each float32 result's largest error against float64.

  usage: python reference_f64.py dump.json [--json]

Errors are max |x - x_f64| divided by the largest |gradient| of the whole step (the scale the
float32 rounding of the step's sums works at); per-tensor scales would blow up the conv biases that
feed a BatchNormalization, whose exact gradient is 0 (the batch mean removes them).

The forward pass is the book's (ch. 3) as packages/models/src builds it: faces VAE = 5 x
[Conv2D k3 s2 same -> BatchNormalization(momentum 0.99, eps 1e-3, training) -> LeakyReLU(0.3)], Dense
z_mean / z_log_var, z = mean + exp(0.5 log_var) * eps, Dense -> BN -> LeakyReLU -> Reshape, 5 x
[Conv2DTranspose k3 s2 same -> BN -> LeakyReLU], Conv2DTranspose(3, k3 s1, sigmoid); loss 2000 * MSE
+ KL. Fashion AE / VAE = 3 x Conv2D(relu), Dense, Dense -> Reshape, 3 x Conv2DTranspose(relu),
Conv2D(1, sigmoid); loss Keras BCE (x 500 + KL for the VAE). BatchNorm's moving statistics follow
Keras: moving = 0.99 moving + 0.01 batch statistic (biased variance).
"""
import json
import sys

import numpy as np
import tensorflow as tf

EPS_BN = 1e-3
MOMENTUM = 0.99
KERAS_EPS = 1e-7


def step(d: dict, dtype) -> tuple[float, dict]:
    """The step's loss and {tensor key: gradient or updated moving statistic} computed in `dtype`."""
    kind, batch = d["kind"], d["batch"]
    h, w, c = d["imageShape"]
    const = lambda a, shape: tf.constant(np.asarray(a, dtype=dtype).reshape(shape))
    weights = {k: tf.Variable(const(v["values"], v["shape"])) for k, v in d["weights"].items()}
    images = const(d["images"], [batch, h, w, c])
    eps = const(d["eps"], [batch, d["latentDim"]])
    trainable = [k for k in d["ours"]["grads"]]
    moving_out = {}

    def W(part, layer, name):
        return weights[f"{part}/{layer}/{name}"]

    def conv(x, part, layer, stride):
        return tf.nn.conv2d(x, W(part, layer, "kernel"), stride, "SAME") + W(part, layer, "bias")

    def conv_t(x, part, layer, stride):
        k = W(part, layer, "kernel")  # [kh, kw, out, in]
        n, hh, ww, _ = x.shape
        out = [n, hh * stride, ww * stride, k.shape[2]]
        return tf.nn.conv2d_transpose(x, k, out, stride, "SAME") + W(part, layer, "bias")

    def dense(x, part, layer):
        return tf.matmul(x, W(part, layer, "kernel")) + W(part, layer, "bias")

    def bn(x, part, layer):
        axes = list(range(len(x.shape) - 1))
        mean = tf.reduce_mean(x, axes)
        var = tf.reduce_mean(tf.square(x - mean), axes)
        for name, stat in (("moving_mean", mean), ("moving_variance", var)):
            key = f"{part}/{layer}/{name}"
            moving_out[key] = MOMENTUM * weights[key] + (1 - MOMENTUM) * stat
        return W(part, layer, "gamma") * (x - mean) / tf.sqrt(var + EPS_BN) + W(part, layer, "beta")

    lrelu = lambda x: tf.nn.leaky_relu(x, 0.3)

    def bce(t, p):
        p = tf.clip_by_value(p, KERAS_EPS, 1 - KERAS_EPS)
        return -tf.reduce_mean(t * tf.math.log(p + KERAS_EPS) + (1 - t) * tf.math.log(1 - p + KERAS_EPS))

    def kl(m, lv):
        return tf.reduce_mean(-0.5 * tf.reduce_sum(1 + lv - tf.square(m) - tf.exp(lv), 1))

    def forward():
        if kind == "faces-vae":
            x = images
            for i in range(1, 6):
                x = lrelu(bn(conv(x, "encoder", f"encoder_conv_{i}", 2), "encoder", f"encoder_bn_{i}"))
            feats = tf.reshape(x, [batch, -1])
            m, lv = dense(feats, "encoder", "z_mean"), dense(feats, "encoder", "z_log_var")
            z = m + tf.exp(0.5 * lv) * eps
            y = lrelu(bn(dense(z, "decoder", "decoder_dense"), "decoder", "decoder_bn_0"))
            y = tf.reshape(y, [batch, *x.shape[1:]])
            for i in range(1, 6):
                y = lrelu(bn(conv_t(y, "decoder", f"decoder_conv_t_{i}", 2), "decoder", f"decoder_bn_{i}"))
            out = tf.sigmoid(conv_t(y, "decoder", "decoder_output", 1))
            return 2000 * tf.reduce_mean(tf.square(images - out)) + kl(m, lv)
        x = images
        for i in range(1, 4):
            x = tf.nn.relu(conv(x, "encoder", f"encoder_conv_{i}", 2))
        feats = tf.reshape(x, [batch, -1])
        if kind == "ae":
            z = dense(feats, "encoder", "encoder_output")
        else:
            m, lv = dense(feats, "encoder", "z_mean"), dense(feats, "encoder", "z_log_var")
            z = m + tf.exp(0.5 * lv) * eps
        y = tf.reshape(dense(z, "decoder", "decoder_dense"), [batch, *x.shape[1:]])
        for i in range(1, 4):
            y = tf.nn.relu(conv_t(y, "decoder", f"decoder_conv_t_{i}", 2))
        out = tf.sigmoid(conv(y, "decoder", "decoder_output", 1))
        return bce(images, out) if kind == "ae" else 500 * bce(images, out) + kl(m, lv)

    with tf.GradientTape() as tape:
        loss = forward()
    grads = dict(zip(trainable, tape.gradient(loss, [weights[k] for k in trainable])))
    return float(loss), {**{k: g.numpy() for k, g in grads.items()}, **{k: v.numpy() for k, v in moving_out.items()}}


def main() -> None:
    d = json.load(open(sys.argv[1]))
    loss64, ref = step(d, np.float64)
    loss32, tf32 = step(d, np.float32)

    def got(path, k):
        src = d[path]["grads"] if k in d[path]["grads"] else d[path]["moving"]
        return np.asarray(src[k]["values"], dtype=np.float64).reshape(ref[k].shape)

    scale = max(float(np.abs(v).max()) for v in ref.values())
    err = lambda x, k: float(np.abs(np.asarray(x, dtype=np.float64) - ref[k]).max()) / scale
    rows = [{"tensor": k, "max_abs_f64": float(np.abs(r).max()), "ours": err(got("ours", k), k),
             "stock": err(got("stock", k), k), "tf_float32": err(tf32[k], k)} for k, r in ref.items()]
    summary = {"kind": d["kind"], "batch": d["batch"], "scale": scale,
               "loss": {"f64": loss64, "tf_float32": loss32, "ours": d["ours"]["losses"]["total"], "stock": d["stock"]["losses"]["total"]},
               "worst": {p: max(r[p] for r in rows) for p in ("ours", "stock", "tf_float32")}, "rows": rows}
    if "--json" in sys.argv:
        print(json.dumps(summary))
        return
    print(f"{d['kind']} batch {d['batch']}: loss f64 {loss64:.9g}; largest |gradient| {scale:.4g}; errors below are max |x - f64| / {scale:.4g}")
    print(f"{'tensor':44s} {'max|f64|':>10s} {'ours':>10s} {'tfjs stock':>10s} {'TF float32':>10s}")
    for r in rows:
        print(f"{r['tensor']:44s} {r['max_abs_f64']:10.3g} {r['ours']:10.2e} {r['stock']:10.2e} {r['tf_float32']:10.2e}")
    print("worst: " + ", ".join(f"{p} {v:.3e}" for p, v in summary["worst"].items()))


if __name__ == "__main__":
    main()
