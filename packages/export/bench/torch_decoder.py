"""Builds the book's Fashion decoder in PyTorch from weights written by decoder-vs-torch.ts and
exports it with torch.onnx, in two forms (both with the same weights and shapes):

  exact:     ConvTranspose2d(padding=0) + crop of the last row/column: the same numbers as tfjs
             (TF 'same' puts the odd pixel of the transposed conv at the end).
  idiomatic: ConvTranspose2d(padding=1, output_padding=1), what a PyTorch port would write: same
             cost, output shifted by one pixel at the edges.

usage: torch_decoder.py WEIGHTS_DIR OUT_DIR  (prints JSON: max abs error of each form vs tfjs)
"""
import json
import os
import sys

import numpy as np
import torch
from torch import nn

wdir, out_dir = sys.argv[1], sys.argv[2]
index = json.load(open(os.path.join(wdir, "index.json")))


def weight(name):
    spec = index["weights"][name]
    data = np.fromfile(os.path.join(wdir, spec["file"]), dtype="<f4")
    return torch.from_numpy(data.reshape(spec["shape"]).copy())


class Decoder(nn.Module):
    def __init__(self, exact):
        super().__init__()
        self.exact = exact
        latent = index["latentDim"]
        self.dense = nn.Linear(latent, 4 * 4 * 128)
        pad = dict(padding=0) if exact else dict(padding=1, output_padding=1)
        self.convs = nn.ModuleList(
            [nn.ConvTranspose2d(cin, cout, 3, stride=2, **pad) for cin, cout in [(128, 128), (128, 64), (64, 32)]]
        )
        self.out = nn.Conv2d(32, 1, 3, stride=1, padding=1)
        with torch.no_grad():
            k = weight("decoder_dense/kernel")  # [latent, 2048], columns in (h, w, c) order
            # Reorder the columns to (c, h, w) so a plain view(N, 128, 4, 4) equals Keras's Reshape.
            perm = torch.arange(2048).reshape(4, 4, 128).permute(2, 0, 1).reshape(-1)
            self.dense.weight.copy_(k[:, perm].T)
            self.dense.bias.copy_(weight("decoder_dense/bias")[perm])
            for i, conv in enumerate(self.convs):
                conv.weight.copy_(weight(f"decoder_conv_t_{i + 1}/kernel").permute(3, 2, 0, 1))
                conv.bias.copy_(weight(f"decoder_conv_t_{i + 1}/bias"))
            self.out.weight.copy_(weight("decoder_output/kernel").permute(3, 2, 0, 1))
            self.out.bias.copy_(weight("decoder_output/bias"))

    def forward(self, z):
        x = self.dense(z).view(-1, 128, 4, 4)
        for conv in self.convs:
            x = conv(x)
            if self.exact:
                x = x[:, :, :-1, :-1]
            x = torch.relu(x)
        return torch.sigmoid(self.out(x))


torch.set_grad_enabled(False)
z = torch.from_numpy(np.fromfile(os.path.join(wdir, "z.bin"), dtype="<f4").reshape(-1, index["latentDim"]).copy())
expected = np.fromfile(os.path.join(wdir, "expected.bin"), dtype="<f4").reshape(-1, 32, 32, 1)
report = {}
for name, exact in [("exact", True), ("idiomatic", False)]:
    model = Decoder(exact).eval()
    got = model(z).permute(0, 2, 3, 1).numpy()
    report[name] = float(np.abs(got - expected).max())
    torch.onnx.export(
        model, z[:1], os.path.join(out_dir, f"torch-{name}.onnx"), opset_version=17,
        input_names=["z"], output_names=["image"], dynamic_axes={"z": {0: "batch"}, "image": {0: "batch"}},
    )
print(json.dumps(report))
