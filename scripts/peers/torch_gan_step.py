"""PyTorch peer of one ganforge training step, for `npm run bench` (training table).

The same networks as ganforge's builders (packages/train/src/models) and the same step as its loop
(packages/train/src/loop/trainStep.ts): D on a real and a separate fake batch (non-saturating /
binary cross-entropy on logits, G in training mode without gradients), then G on fresh z, Adam for both,
per-parameter gradient norms read back every step (ganforge's telemetry). Real batches are random in
[-1, 1] (the data pipeline is not what is compared).

  /usr/bin/python3 scripts/peers/torch_gan_step.py '{"kind":"dcgan","gFilters":32,"dFilters":32,
      "kernel":4,"batch":64,"threads":1,"steps":20,"warmup":3}'

Prints one JSON line: {"msPerStep": ..., "imagesPerSecond": ..., "torch": "<version>", "threads": N}.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def same_pad(k, s):
    # tfjs 'same' for a stride-2 conv on even input: total = max(k - s, 0), extra pixel at the end.
    total = max(k - s, 0)
    return total // 2, total - total // 2


class SameConv(nn.Module):
    """Conv2d with tfjs 'same' padding (extra pixel at the end)."""

    def __init__(self, cin, cout, k, s, bias):
        super().__init__()
        self.k, self.s = k, s
        self.conv = nn.Conv2d(cin, cout, k, s, bias=bias)

    def forward(self, x):
        h = x.shape[-1]
        total = max((-(-h // self.s) - 1) * self.s + self.k - h, 0)
        b = total // 2
        return self.conv(F.pad(x, (b, total - b, b, total - b)))


class SameDeconv(nn.Module):
    """ConvTranspose2d with tfjs 'same' output size (in * s): crop total = k - s, extra at the end."""

    def __init__(self, cin, cout, k, s, bias):
        super().__init__()
        self.k, self.s = k, s
        self.deconv = nn.ConvTranspose2d(cin, cout, k, s, bias=bias, output_padding=max(s - k, 0))

    def forward(self, x):
        y = self.deconv(x)
        total = max(self.k - self.s, 0)
        b = total // 2
        h = y.shape[-1]
        return y[:, :, b : h - (total - b), b : h - (total - b)]


def dcgan(gf, df, k, latent=100):
    c = gf * 2  # two stages: 7 -> 14 -> 28
    g = nn.Sequential(
        nn.Linear(latent, 7 * 7 * c, bias=False),
        nn.Unflatten(1, (c, 7, 7)),
        nn.BatchNorm2d(c, eps=1e-5, momentum=0.1),
        nn.ReLU(),
        SameDeconv(c, c // 2, k, 2, bias=False),
        nn.BatchNorm2d(c // 2, eps=1e-5, momentum=0.1),
        nn.ReLU(),
        SameDeconv(c // 2, 1, k, 2, bias=True),
        nn.Tanh(),
    )
    d = nn.Sequential(
        SameConv(1, df, k, 2, bias=True),
        nn.LeakyReLU(0.2),
        SameConv(df, df * 2, k, 2, bias=True),
        nn.LeakyReLU(0.2),
        nn.Flatten(),
        nn.Linear(7 * 7 * df * 2, 1),
    )
    return g, d, (1, 28, 28)


def mlp(g_hidden, d_hidden, g_bn, dropout, latent=100):
    layers, n = [], latent
    for h in g_hidden:
        layers.append(nn.Linear(n, h, bias=not g_bn))
        if g_bn:
            layers.append(nn.BatchNorm1d(h, eps=1e-5, momentum=0.1))
        layers.append(nn.LeakyReLU(0.2))
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        n = h
    layers += [nn.Linear(n, 784), nn.Tanh()]
    g = nn.Sequential(*layers)
    dl, n = [nn.Flatten()], 784
    for h in d_hidden:
        dl += [nn.Linear(n, h), nn.LeakyReLU(0.2)]
        n = h
    dl.append(nn.Linear(n, 1))
    return g, nn.Sequential(*dl), (784,)


def main():
    a = json.loads(sys.argv[1])
    torch.set_num_threads(int(a.get("threads", 1)))
    torch.manual_seed(1)
    if a["kind"] == "dcgan":
        g, d, shape = dcgan(a["gFilters"], a["dFilters"], a.get("kernel", 4))
        lr, betas = 2e-4, (0.5, 0.999)
    else:
        g, d, shape = mlp(a["gHidden"], a["dHidden"], a.get("gBatchNorm", False), a.get("dropout", 0))
        lr, betas = 1e-3, (0.9, 0.999)
    opt_g = torch.optim.Adam(g.parameters(), lr=lr, betas=betas, eps=1e-7)
    opt_d = torch.optim.Adam(d.parameters(), lr=lr, betas=betas, eps=1e-7)
    moments = bool(a.get("moments", False))
    b = int(a["batch"])
    real = torch.rand((b,) + shape) * 2 - 1

    def step():
        z = torch.rand(b, 100) * 2 - 1
        with torch.no_grad():
            fake = g(z)
        opt_d.zero_grad(set_to_none=True)
        lr_, lf = d(real), d(fake)
        loss_r = F.softplus(-lr_).mean()
        loss_f = F.softplus(lf).mean()
        (loss_r + loss_f).backward()
        stats = torch.stack([loss_r, loss_f, torch.sigmoid(lr_).mean(), torch.sigmoid(lf).mean(), (lf > 0).float().mean()]
                            + [p.grad.square().sum() for p in d.parameters()])
        opt_d.step()
        z = torch.rand(b, 100) * 2 - 1
        opt_g.zero_grad(set_to_none=True)
        fake = g(z)
        loss_g = F.softplus(-d(fake)).mean()
        if moments:
            fr, rr = fake.flatten(1), real.flatten(1)
            loss_g = loss_g + 0.1 * (fr.mean(0) - rr.mean(0)).abs().sum() + 0.1 * (fr.var(0, unbiased=False) - rr.var(0, unbiased=False)).abs().sum()
        loss_g.backward()
        gstats = torch.stack([loss_g] + [p.grad.square().sum() for p in g.parameters()])
        opt_g.step()
        return stats.tolist(), gstats.tolist()  # the read-back ganforge does every step

    for _ in range(int(a.get("warmup", 3))):
        step()
    steps = int(a.get("steps", 20))
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    ms = (time.perf_counter() - t0) * 1000 / steps
    print(json.dumps({"msPerStep": ms, "imagesPerSecond": b * 1000 / ms, "torch": torch.__version__,
                      "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
