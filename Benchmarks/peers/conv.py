"""Peer of the `conv` suite: PyTorch's conv2d forward and its two backward kernels, in GFLOP/s.

The ResNet shape: batch 64, 64 -> 64 channels, 3x3, padding 1, 32x32. Each kernel does
2·N·O·C·kH·kW·Hout·Wout floating-point operations.
"""
import argparse

import torch

from measure import emit, median_seconds

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
threads = parser.parse_args().threads
torch.set_num_threads(threads)

n, c, o, h, w, k = 64, 64, 64, 32, 32, 3
shape = f"N{n} C{c} O{o} {h}x{w} k{k} p1"
flops = 2 * n * o * c * k * k * h * w
generator = torch.Generator().manual_seed(0)
x = torch.randn(n, c, h, w, generator=generator)
weight = torch.randn(o, c, k, k, generator=generator)
grad = torch.randn(n, o, h, w, generator=generator)

with torch.no_grad():
    forward = lambda: torch.nn.functional.conv2d(x, weight, padding=1)
    backward_input = lambda: torch.ops.aten.convolution_backward(
        grad, x, weight, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1, [True, False, False])
    backward_weight = lambda: torch.ops.aten.convolution_backward(
        grad, x, weight, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1, [False, True, False])
    for name, op in [("forward", forward), ("backwardInput", backward_input), ("backwardWeight", backward_weight)]:
        emit("conv", name, shape, "GFLOP/s", flops / median_seconds(op) / 1e9, "pytorch")
