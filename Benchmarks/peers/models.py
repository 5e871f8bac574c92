"""Peer of the `models` suite: the same four models in PyTorch eager, one SGD step at a time.

ResNet-20 (He et al. §4.2, option A shortcuts), ResNet-18 with the CIFAR stem (kuangliu),
vit-tiny (32×32, patch 4, D 192, depth 6, 3 heads, MLP ratio 4, exact GELU, LayerNorm ε 1e-6) and
vit-mini (the same at D 96),
batch 64 of 3×32×32 in float32: forward, cross-entropy, backward, SGD with momentum 0.9 and weight
decay 5e-4. Each model runs in a subprocess of its own so its peak memory is its own; the
parameter counts are printed to stderr to check they equal Gradus's.
"""
import argparse
import json
import resource
import subprocess
import sys

MODELS = ["resnet20", "resnet18", "vit-tiny", "vit-mini"]


def resnet20():
    import torch.nn as nn
    import torch.nn.functional as F

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.pad = cout - cin
            self.stride = stride

        def forward(self, x):
            out = F.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            shortcut = x
            if self.stride != 1 or self.pad:
                # Option A: subsample and zero-pad the extra channels.
                shortcut = F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad // 2, self.pad - self.pad // 2))
            return F.relu(out + shortcut)

    layers = [nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    cin = 16
    for cout, stride in [(16, 1), (32, 2), (64, 2)]:
        for index in range(3):
            layers.append(Block(cin, cout, stride if index == 0 else 1))
            cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)]
    return nn.Sequential(*layers)


def resnet18_cifar():
    import torch.nn as nn
    import torch.nn.functional as F

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.shortcut = nn.Sequential()
            if stride != 1 or cin != cout:
                self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            out = F.relu(self.bn1(self.conv1(x)))
            return F.relu(self.bn2(self.conv2(out)) + self.shortcut(x))

    layers = [nn.Conv2d(3, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU()]
    cin = 64
    for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
        for index in range(2):
            layers.append(Block(cin, cout, stride if index == 0 else 1))
            cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 10)]
    return nn.Sequential(*layers)


def vit(dim):
    """The 32×32 ViT with 4×4 patches, 6 blocks and 3 heads at width `dim` (192: vit-tiny, 96: vit-mini)."""
    import torch
    import torch.nn as nn

    depth, heads, patch, image = 6, 3, 4, 32

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.norm1 = nn.LayerNorm(dim, eps=1e-6)
            self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
            self.norm2 = nn.LayerNorm(dim, eps=1e-6)
            self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

        def forward(self, x):
            y = self.norm1(x)
            x = x + self.attn(y, y, y, need_weights=False)[0]
            return x + self.mlp(self.norm2(x))

    class ViT(nn.Module):
        def __init__(self):
            super().__init__()
            count = (image // patch) ** 2
            self.patch_embed = nn.Conv2d(3, dim, patch, patch)
            self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
            self.pos_embed = nn.Parameter(torch.zeros(1, count + 1, dim))
            self.blocks = nn.Sequential(*[Block() for _ in range(depth)])
            self.norm = nn.LayerNorm(dim, eps=1e-6)
            self.head = nn.Linear(dim, 10)

        def forward(self, x):
            x = self.patch_embed(x).flatten(2).transpose(1, 2)  # [B, N, D]
            x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
            return self.head(self.norm(self.blocks(x))[:, 0])

    return ViT()


def resident_mebibytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def measure(name, threads):
    import torch
    from measure import median_seconds

    torch.set_num_threads(threads)
    before = resident_mebibytes()
    torch.manual_seed(0)
    model = {"resnet20": resnet20, "resnet18": resnet18_cifar,
             "vit-tiny": lambda: vit(192), "vit-mini": lambda: vit(96)}[name]()
    print(f"models: {name} has {sum(p.numel() for p in model.parameters()):,} parameters in PyTorch",
          file=sys.stderr)
    batch = 64
    images = torch.randn(batch, 3, 32, 32)
    labels = torch.randint(0, 10, (batch,))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    model.train()

    def step():
        optimizer.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(model(images), labels).backward()
        optimizer.step()

    seconds = median_seconds(step, repetitions=5, minimum_seconds=0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    shape = f"batch {batch}, 3×32×32, Float, SGD step"
    for suffix, unit, value, extra in [("", "img/s", batch / seconds, ""), (" peak memory", "MiB", peak, ""),
                                       (" training memory", "MiB", peak - before, ", peak minus before building")]:
        print(json.dumps({"suite": "models", "name": name + suffix, "shape": shape + extra, "unit": unit,
                          "value": value, "peerName": "pytorch"}, sort_keys=True), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--model")
    arguments = parser.parse_args()
    if arguments.model:
        measure(arguments.model, arguments.threads)
        return
    for name in MODELS:
        subprocess.run([sys.executable, __file__, "--threads", str(arguments.threads), "--model", name], check=True)


if __name__ == "__main__":
    main()
