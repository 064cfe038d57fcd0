"""The book's three chapter-3 networks in PyTorch, timed on the same machine as bench/train-speed.ts.

Prints one JSON object per line: {"model", "batch", "img_per_s", "ms_per_step", "best_img_per_s",
"best_ms_per_step", "cpu_ms_per_step", "steps", "threads"} (mean over the measured steps, the fastest
step, and the process's CPU time per step over all threads).
Same layers, losses, optimiser (Adam) and batch sizes as the TypeScript models (Keras semantics:
'same' stride-2 convs pad at the end, Conv2DTranspose 'same' = output_padding 1).
Run with Debian's python3 (torch 1.13) and OPENBLAS_NUM_THREADS=1; torch threads = cores (2).

On a GPU: --device cuda (timings then include one loss.item() a step, which waits for the GPU, as
the TypeScript loop's loss read does).

usage: torch_reference.py [--models ae,vae,faces-vae] [--seconds S] [--threads T] [--device cpu|cuda]
"""
import argparse
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv(cin, cout, stride=2):
    # Keras 'same' at stride 2 on even sizes pads one pixel at the end only.
    return nn.Sequential(nn.ZeroPad2d((0, 1, 0, 1)) if stride == 2 else nn.Identity(),
                         nn.Conv2d(cin, cout, 3, stride, padding=0 if stride == 2 else 1))


def convt(cin, cout, stride=2):
    if stride == 2:
        return nn.ConvTranspose2d(cin, cout, 3, 2, padding=1, output_padding=1)
    return nn.ConvTranspose2d(cin, cout, 3, 1, padding=1)


class Fashion(nn.Module):
    def __init__(self, variational, latent=2):
        super().__init__()
        self.variational = variational
        self.enc = nn.Sequential(conv(1, 32), nn.ReLU(), conv(32, 64), nn.ReLU(), conv(64, 128), nn.ReLU(), nn.Flatten())
        self.mean = nn.Linear(2048, latent)
        self.logvar = nn.Linear(2048, latent) if variational else None
        self.dense = nn.Linear(latent, 2048)
        self.dec = nn.Sequential(convt(128, 128), nn.ReLU(), convt(128, 64), nn.ReLU(), convt(64, 32), nn.ReLU(),
                                 nn.Conv2d(32, 1, 3, 1, 1), nn.Sigmoid())

    def loss(self, x):
        h = self.enc(x)
        m = self.mean(h)
        if not self.variational:
            y = self.dec(self.dense(m).view(-1, 128, 4, 4))
            return F.binary_cross_entropy(y, x)
        lv = self.logvar(h)
        z = m + torch.exp(0.5 * lv) * torch.randn_like(m)
        y = self.dec(self.dense(z).view(-1, 128, 4, 4))
        rec = 500 * F.binary_cross_entropy(y, x)
        kl = torch.mean(torch.sum(-0.5 * (1 + lv - m * m - torch.exp(lv)), 1))
        return rec + kl


class Faces(nn.Module):
    def __init__(self, latent=200):
        super().__init__()
        layers, c = [], 3
        for _ in range(5):
            layers += [conv(c, 64), nn.BatchNorm2d(64, momentum=0.01, eps=1e-3), nn.LeakyReLU(0.3)]
            c = 64
        self.enc = nn.Sequential(*layers, nn.Flatten())
        self.mean = nn.Linear(256, latent)
        self.logvar = nn.Linear(256, latent)
        self.dense = nn.Sequential(nn.Linear(latent, 256), nn.BatchNorm1d(256, momentum=0.01, eps=1e-3), nn.LeakyReLU(0.3))
        layers = []
        for _ in range(5):
            layers += [convt(64, 64), nn.BatchNorm2d(64, momentum=0.01, eps=1e-3), nn.LeakyReLU(0.3)]
        self.dec = nn.Sequential(*layers, convt(64, 3, stride=1), nn.Sigmoid())

    def loss(self, x):
        h = self.enc(x)
        m, lv = self.mean(h), self.logvar(h)
        z = m + torch.exp(0.5 * lv) * torch.randn_like(m)
        y = self.dec(self.dense(z).view(-1, 64, 2, 2))
        rec = 2000 * F.mse_loss(y, x)
        kl = torch.mean(torch.sum(-0.5 * (1 + lv - m * m - torch.exp(lv)), 1))
        return rec + kl


SPECS = {
    'ae': (lambda: Fashion(False), 100, (1, 32, 32), 1e-3),
    'vae': (lambda: Fashion(True), 100, (1, 32, 32), 5e-4),
    'faces-vae': (lambda: Faces(), 128, (3, 64, 64), 5e-4),
}


def bench(name, seconds, device='cpu'):
    make, batch, shape, lr = SPECS[name]
    torch.manual_seed(0)
    model = make().to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr, eps=1e-7)
    x = torch.rand(batch, *shape).to(device)

    def step():
        opt.zero_grad()
        loss = model.loss(x)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(2):
        step()
    steps, start, best, cpu0 = 0, time.perf_counter(), float('inf'), time.process_time()
    while steps < 3 or time.perf_counter() - start < seconds:
        t = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - t)
        steps += 1
    ms = (time.perf_counter() - start) * 1000 / steps
    cpu_ms = (time.process_time() - cpu0) * 1000 / steps
    return {'model': name, 'batch': batch, 'ms_per_step': ms, 'img_per_s': batch * 1000 / ms, 'steps': steps,
            'best_ms_per_step': best * 1000, 'best_img_per_s': batch / best, 'cpu_ms_per_step': cpu_ms,
            'threads': torch.get_num_threads(), 'device': device,
            'torch': torch.__version__}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--models', default='ae,vae,faces-vae')
    p.add_argument('--seconds', type=float, default=4.0)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--device', default='cpu', help="torch device: cpu or cuda (cuda:N)")
    a = p.parse_args()
    if a.device.startswith('cuda') and not torch.cuda.is_available():
        print(f'--device {a.device}: torch {torch.__version__} sees no CUDA device; use --device cpu', file=sys.stderr)
        return 2
    torch.set_num_threads(a.threads)
    if a.device.startswith('cuda'):
        torch.backends.cudnn.benchmark = True
    for name in a.models.split(','):
        print(json.dumps(bench(name, a.seconds, a.device)), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
