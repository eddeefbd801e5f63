"""The same CAE as src/training/cae-architecture.ts, in PyTorch, for bench/train's side-by-side.

Identical layers (Conv 3x3 stride 2 "same" + ReLU x4, Dense 128, Dense + ReLU, ConvTranspose x4,
Sigmoid), MSE loss, Adam 1e-3, batch 16, random images of the same size (speed does not depend on
pixel values). Usage: pytorch_cae.py IMAGES EPOCHS [THREADS=2]. Prints one JSON line: wall seconds, seconds per epoch, final loss, peak RSS MB.
"""
import json
import resource
import sys
import time

import torch
from torch import nn

images, epochs = int(sys.argv[1]), int(sys.argv[2])
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
torch.set_num_threads(threads)
torch.manual_seed(1)


def block(cin, cout):
    # TF "same" for stride 2, kernel 3 on even sizes pads 0 before and 1 after.
    return nn.Sequential(nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(cin, cout, 3, stride=2), nn.ReLU())


def up(cin, cout, last):
    return nn.Sequential(
        nn.ConvTranspose2d(cin, cout, 3, stride=2, padding=1, output_padding=1),
        nn.Sigmoid() if last else nn.ReLU(),
    )


model = nn.Sequential(
    block(3, 16), block(16, 32), block(32, 64), block(64, 64),
    nn.Flatten(), nn.Linear(64 * 8 * 8, 128), nn.Linear(128, 64 * 8 * 8), nn.ReLU(),
    nn.Unflatten(1, (64, 8, 8)),
    up(64, 64, False), up(64, 32, False), up(32, 16, False), up(16, 3, True),
)
data = torch.rand(images, 3, 128, 128)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.MSELoss()
t0 = time.time()
loss = torch.tensor(0.0)
for epoch in range(epochs):
    perm = torch.randperm(images)
    for i in range(0, images, 16):
        batch = data[perm[i:i + 16]]
        opt.zero_grad()
        loss = loss_fn(model(batch), batch)
        loss.backward()
        opt.step()
wall = time.time() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"wall": wall, "perEpoch": wall / epochs, "loss": float(loss), "peakRssMb": rss}))
