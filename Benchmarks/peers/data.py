"""Peer of the `data` suite: PyTorch's DataLoader on Fashion-MNIST at 32x32 with random crop
(padding 4) and horizontal flip, batch 128, with 0, 1 and 2 workers, in images/s.

Reads the same IDX files that scripts/install-data installs (~/.gradus/data/fashion-mnist).
"""
import argparse
import gzip
import os

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from measure import emit, median_seconds

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
threads = parser.parse_args().threads
torch.set_num_threads(threads)

folder = os.path.expanduser("~/.gradus/data/fashion-mnist")
with gzip.open(os.path.join(folder, "train-images-idx3-ubyte.gz")) as f:
    pixels = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 1, 28, 28)
with gzip.open(os.path.join(folder, "train-labels-idx1-ubyte.gz")) as f:
    labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8).astype(np.int64)
padded = torch.zeros(len(pixels), 1, 32, 32, dtype=torch.uint8)
padded[:, :, 2:30, 2:30] = torch.from_numpy(pixels.copy())


class Augmented(Dataset):
    def __len__(self):
        return len(padded)

    def __getitem__(self, index):
        image = torch.nn.functional.pad(padded[index].float() / 255, (4, 4, 4, 4))
        top, left = np.random.randint(0, 9, size=2)
        image = image[:, top:top + 32, left:left + 32]
        if np.random.rand() < 0.5:
            image = image.flip(-1)
        return image, labels[index]


for workers in [0, 1, 2]:
    loader = DataLoader(Augmented(), batch_size=128, shuffle=True, drop_last=True, num_workers=workers,
                        persistent_workers=workers > 0)

    def epoch():
        count = 0
        for images, _ in loader:
            count += len(images)
        return count

    seconds = median_seconds(epoch, repetitions=3, minimum_seconds=0)
    emit("data", "loader", f"fashion-mnist 32x32 crop+flip batch 128, {workers} workers", "images/s",
         len(loader) * 128 / seconds, "pytorch")
