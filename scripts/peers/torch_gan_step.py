"""PyTorch peer of one ganforge training step, for `npm run bench` (scripts/bench-train.ts).

Builds the same networks as ganforge's builders (packages/train/src/models) from a spec the bench
derives from the resolved ganforge config, and runs the same step as its loop
(packages/train/src/loop/train-step.ts): D on a real and a separate fake batch (binary cross-entropy on
logits, G in training mode without gradients), then G on fresh z (non-saturating loss, plus moment
matching when the config has it), Adam with the config's rates, betas and epsilon; the per-parameter
gradient sums of squares and the losses are read back every step, as ganforge's telemetry does.
Convolutions run channels-last (faster than NCHW on this CPU build at 32 filters, even at 64), and
'same' padding is PyTorch's own symmetric padding where tfjs's is symmetric (kernel 4, stride 2).
Real batches are uniform in [-1, 1]: the data pipeline is not what is compared.

  /usr/bin/python3 scripts/peers/torch_gan_step.py '<spec json>'

Prints one JSON line: {"msPerStep": ..., "imagesPerSecond": ..., "torch": "<version>", "threads": N, "blas": "<library>"}.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def same_total(size, k, s):
    return max((-(-size // s) - 1) * s + k - size, 0)


class SameConv(nn.Module):
    """Conv2d with tfjs 'same' padding (an odd total puts the extra pixel at the end)."""

    def __init__(self, cin, cout, k, s, size, bias):
        super().__init__()
        total = same_total(size, k, s)
        self.pad = (total // 2, total - total // 2)
        symmetric = self.pad[0] == self.pad[1]
        self.conv = nn.Conv2d(cin, cout, k, s, padding=self.pad[0] if symmetric else 0, bias=bias)
        self.explicit = not symmetric

    def forward(self, x):
        if self.explicit:
            b, e = self.pad
            x = F.pad(x, (b, e, b, e))
        return self.conv(x)


class SameDeconv(nn.Module):
    """ConvTranspose2d with tfjs 'same' output size (in * s): total crop k - s, extra at the end."""

    def __init__(self, cin, cout, k, s, bias):
        super().__init__()
        total = max(k - s, 0)
        self.crop = (total // 2, total - total // 2)
        symmetric = self.crop[0] == self.crop[1]
        self.deconv = nn.ConvTranspose2d(
            cin, cout, k, s, padding=self.crop[0] if symmetric else 0, output_padding=max(s - k, 0), bias=bias
        )
        self.explicit = not symmetric

    def forward(self, x):
        y = self.deconv(x)
        if self.explicit:
            b, e = self.crop
            y = y[:, :, b : y.shape[2] - e, b : y.shape[3] - e]
        return y


def dcgan(spec):
    k, latent = spec["kernel"], spec["latent"]
    c = spec["gFilters"] * 2  # two stages: 7 -> 14 -> 28
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
    df = spec["dFilters"]
    d = nn.Sequential(
        SameConv(1, df, k, 2, 28, bias=True),
        nn.LeakyReLU(spec["leakyAlpha"]),
        SameConv(df, df * 2, k, 2, 14, bias=True),
        nn.LeakyReLU(spec["leakyAlpha"]),
        nn.Flatten(),
        nn.Linear(7 * 7 * df * 2, 1),
    )
    return g, d, (1, 28, 28)


def mlp(spec):
    layers, n = [], spec["latent"]
    for h in spec["gHidden"]:
        layers.append(nn.Linear(n, h, bias=not spec["gBatchNorm"]))
        if spec["gBatchNorm"]:
            layers.append(nn.BatchNorm1d(h, eps=1e-5, momentum=0.1))
        layers.append(nn.LeakyReLU(spec["leakyAlpha"]))
        if spec["dropout"] > 0:
            layers.append(nn.Dropout(spec["dropout"]))
        n = h
    layers += [nn.Linear(n, 784), nn.Tanh()]
    dl, n = [nn.Flatten()], 784
    for h in spec["dHidden"]:
        dl += [nn.Linear(n, h), nn.LeakyReLU(spec["leakyAlpha"])]
        n = h
    dl.append(nn.Linear(n, 1))
    return nn.Sequential(*layers), nn.Sequential(*dl), (784,)


def main():
    spec = json.loads(sys.argv[1])
    torch.set_num_threads(int(spec["threads"]))
    torch.manual_seed(1)
    g, d, shape = dcgan(spec) if spec["kind"] == "dcgan" else mlp(spec)
    b = int(spec["batch"])
    real = torch.rand((b,) + shape) * 2 - 1
    if spec["kind"] == "dcgan":
        g = g.to(memory_format=torch.channels_last)
        d = d.to(memory_format=torch.channels_last)
        real = real.contiguous(memory_format=torch.channels_last)
    og, od = spec["optG"], spec["optD"]
    opt_g = torch.optim.Adam(g.parameters(), lr=og["lr"], betas=(og["beta1"], og["beta2"]), eps=og["epsilon"])
    opt_d = torch.optim.Adam(d.parameters(), lr=od["lr"], betas=(od["beta1"], od["beta2"]), eps=od["epsilon"])
    moments = spec.get("moments")
    latent = spec["latent"]

    def step():
        z = torch.rand(b, latent) * 2 - 1
        with torch.no_grad():
            fake = g(z)
        opt_d.zero_grad(set_to_none=True)
        lr_, lf = d(real), d(fake)
        loss_r = F.softplus(-lr_).mean()
        loss_f = F.softplus(lf).mean()
        (loss_r + loss_f).backward()
        stats = [loss_r, loss_f, torch.sigmoid(lr_).mean(), torch.sigmoid(lf).mean(), (lf > 0).float().mean()]
        dstats = torch.stack(stats + [p.grad.square().sum() for p in d.parameters()]).tolist()
        opt_d.step()
        z = torch.rand(b, latent) * 2 - 1
        opt_g.zero_grad(set_to_none=True)
        # D is not trained in G's update: no gradients for its parameters (pix2pix/CycleGAN's
        # set_requires_grad(netD, False)), as ganforge computes none (models/unfused-under-gradients.ts).
        d.requires_grad_(False)
        fake = g(z)
        loss_g = F.softplus(-d(fake)).mean()
        if moments:
            fr, rr = fake.flatten(1), real.flatten(1)
            loss_g = (
                loss_g
                + moments["meanWeight"] * (fr.mean(0) - rr.mean(0)).abs().sum()
                + moments["varWeight"] * (fr.var(0, unbiased=False) - rr.var(0, unbiased=False)).abs().sum()
            )
        loss_g.backward()
        d.requires_grad_(True)
        gstats = torch.stack([loss_g] + [p.grad.square().sum() for p in g.parameters()]).tolist()
        opt_g.step()
        return dstats, gstats

    for _ in range(int(spec.get("warmup", 3))):
        step()
    steps = int(spec["steps"])
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    ms = (time.perf_counter() - t0) * 1000 / steps
    print(json.dumps({"msPerStep": ms, "imagesPerSecond": b * 1000 / ms, "torch": torch.__version__,
                      "threads": torch.get_num_threads(), "blas": blas()}))


def blas():
    """Which BLAS library this process loaded: Debian's python3-torch uses whichever libblas.so.3 is installed."""
    try:
        with open("/proc/self/maps") as f:
            maps = f.read()
    except OSError:
        return "unknown"
    for name in ("openblas", "mkl", "blis", "atlas"):
        if "lib" + name in maps:
            return name
    return "reference" if "libblas.so" in maps else "unknown"


if __name__ == "__main__":
    main()
