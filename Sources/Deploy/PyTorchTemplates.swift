/// The Python written by `ainb export --to pytorch`. Placeholders (@NAME@) are filled by PyTorchExport.
extension PyTorchExport {
    static let modelTemplate = #"""
"""An ainb course model (@KIND@) as a PyTorch nn.Module, written by `ainb export --to pytorch`.

The state-dict names are the names in model.safetensors (ainb's checkpoint), so

    model = build_model()
    load_weights(model, "model.safetensors")
    model.eval()

gives the same outputs as ainb for faces [N, 1, 96, 96] with values 0-1 (pixels / 255).
save_weights(model, path) writes a checkpoint that ainb loads back (`load`, `ainb predict`, ...).
"""
import json
import struct
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

CLASSES = @CLASSES@
# Keras' batch-norm settings, as ainb's course models use: epsilon 1e-3, and momentum 0.99 in
# Keras' convention (0.01 as PyTorch counts it: the weight of the new batch).
BN = dict(eps=@EPSILON@, momentum=0.01)


class ConvolutionBlock(nn.Module):
    """Main path 1x1 -> max pool 2 -> BN -> ReLU -> 3x3 -> BN -> ReLU -> 1x1 -> BN; shortcut 1x1 -> max pool 2 -> BN; add, ReLU."""

    def __init__(self, cin, f):
        super().__init__()
        f1, f2, f3 = f
        self.conv1 = nn.Conv2d(cin, f1, 1)
        self.pool = nn.MaxPool2d(2)
        self.bn1 = nn.BatchNorm2d(f1, **BN)
        self.conv2 = nn.Conv2d(f1, f2, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(f2, **BN)
        self.conv3 = nn.Conv2d(f2, f3, 1)
        self.bn3 = nn.BatchNorm2d(f3, **BN)
        self.shortcut_conv = nn.Conv2d(cin, f3, 1)
        self.shortcut_pool = nn.MaxPool2d(2)
        self.shortcut_bn = nn.BatchNorm2d(f3, **BN)

    def forward(self, x):
        h = torch.relu(self.bn1(self.pool(self.conv1(x))))
        h = torch.relu(self.bn2(self.conv2(h)))
        h = self.bn3(self.conv3(h))
        s = self.shortcut_bn(self.shortcut_pool(self.shortcut_conv(x)))
        return torch.relu(h + s)


class IdentityBlock(nn.Module):
    """1x1 -> BN -> ReLU -> 3x3 -> BN -> ReLU -> 1x1 -> BN, plus the input, then ReLU."""

    def __init__(self, cin, f):
        super().__init__()
        f1, f2, f3 = f
        self.conv1 = nn.Conv2d(cin, f1, 1)
        self.bn1 = nn.BatchNorm2d(f1, **BN)
        self.conv2 = nn.Conv2d(f1, f2, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(f2, **BN)
        self.conv3 = nn.Conv2d(f2, f3, 1)
        self.bn3 = nn.BatchNorm2d(f3, **BN)

    def forward(self, x):
        h = torch.relu(self.bn1(self.conv1(x)))
        h = torch.relu(self.bn2(self.conv2(h)))
        h = self.bn3(self.conv3(h))
        return torch.relu(h + x)


class ResBlock(nn.Module):
    """One convolution block and two identity blocks."""

    def __init__(self, cin, f):
        super().__init__()
        self.conv = ConvolutionBlock(cin, f)
        self.id1 = IdentityBlock(f[2], f)
        self.id2 = IdentityBlock(f[2], f)

    def forward(self, x):
        return self.id2(self.id1(self.conv(x)))


class Standardize(nn.Module):
    """Each face to zero mean and unit standard deviation: (x - mean) / sqrt(variance + epsilon)."""

    def __init__(self, epsilon=1e-3):
        super().__init__()
        self.register_buffer("epsilon", torch.tensor([epsilon]))

    def forward(self, x):
        centered = x - x.mean(dim=(1, 2, 3), keepdim=True)
        return centered / torch.sqrt((centered * centered).mean(dim=(1, 2, 3), keepdim=True) + self.epsilon)


def course_resnet(input_size, channels, stem, stages, average_pool, hidden, dropout, outputs, output_relu, standardize=False):
    """[Standardize ->] ZeroPad 3 -> Conv 7x7/2 -> BN -> ReLU -> MaxPool 3x3/2 -> res-blocks -> AvgPool
    -> Flatten -> [Dense -> ReLU -> Dropout]* -> Dense, with ainb's layer names."""
    layers = OrderedDict()
    if standardize:
        layers["standardize"] = Standardize()
    layers["pad"] = nn.ZeroPad2d(3)
    layers["conv1"] = nn.Conv2d(channels, stem, 7, stride=2)
    layers["bn1"] = nn.BatchNorm2d(stem, **BN)
    layers["relu"] = nn.ReLU()
    layers["pool"] = nn.MaxPool2d(3, stride=2)
    c = stem
    for i, f in enumerate(stages):
        layers[f"res{i + 1}"] = ResBlock(c, f)
        c = f[2]
    layers["avgpool"] = nn.AvgPool2d(average_pool)
    layers["flatten"] = nn.Flatten()
    with torch.no_grad():
        width = nn.Sequential(layers)(torch.zeros(1, channels, input_size, input_size)).shape[1]
    for i, (units, rate) in enumerate(zip(hidden, dropout)):
        layers[f"fc{i + 1}"] = nn.Linear(width, units)
        layers[f"relu{i + 1}"] = nn.ReLU()
        layers[f"drop{i + 1}"] = nn.Dropout(rate)
        width = units
    layers["out"] = nn.Linear(width, outputs)
    if output_relu:
        layers["out_relu"] = nn.ReLU()
    return nn.Sequential(layers)


class FaceModel(nn.Module):
    """Two models that answer together: forward gives (keypoints [N, 30], emotion logits [N, classes])."""

    def __init__(self, keypoints, emotions):
        super().__init__()
        self.keypoints = keypoints
        self.emotions = emotions

    def forward(self, x):
        return self.keypoints(x), self.emotions(x)


@BUILD@


def read_safetensors(path):
    """name -> float32 tensor, in file order (F32 safetensors, as ainb writes them)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    body = data[8 + n:]
    out = OrderedDict()
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: {name} is {info['dtype']}, not F32")
        a, b = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(body[a:b], dtype="<f4").reshape(info["shape"]).copy())
    return out


def load_weights(model, path):
    """Loads an ainb checkpoint; every name must match (PyTorch's num_batches_tracked aside)."""
    result = model.load_state_dict(read_safetensors(path), strict=False)
    missing = [k for k in result.missing_keys if not k.endswith("num_batches_tracked")]
    if missing or result.unexpected_keys:
        raise ValueError(f"{path}: missing {missing}, unexpected {result.unexpected_keys}")
    return model


def save_weights(model, path):
    """Writes the state dict (without num_batches_tracked) as an F32 safetensors file ainb loads."""
    tensors = [(k, v.detach().cpu().float().contiguous().numpy()) for k, v in model.state_dict().items()
               if not k.endswith("num_batches_tracked")]
    header, offset = {}, 0
    for name, array in tensors:
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + array.nbytes]}
        offset += array.nbytes
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for _, array in tensors:
            f.write(array.astype("<f4").tobytes())
"""#

    static let trainingTemplate = #"""
"""Continue training an ainb course model (@KIND@) with PyTorch, on many processes, GPUs or machines.

    torchrun --nproc_per_node 2 train_ddp.py --data training.csv --epochs 10 --out trained.safetensors

Written by `ainb export --to pytorch`, with model.py and model.safetensors beside it. The recipe is
the course's: images / 255; keypoints with a masked mean-squared error (missing points do not
count) and emotions with cross-entropy; random horizontal flips that swap left and right points;
Adam. Each process trains on its own shard (DistributedSampler) and DistributedDataParallel
averages the gradients, over gloo on CPUs or NCCL on GPUs. Rank 0 writes the weights as a
safetensors checkpoint that ainb loads back.

Data: Kaggle's keypoint training.csv (30 coordinate columns and Image) or an emotion CSV
(emotion, pixels[, Usage] or emotion, Usage, pixels; 48x48 faces are resized to 96x96 bicubically)
as `ainb data synth` writes them. A fused model trains one part at a time: --part keypoints|emotions.
"""
import argparse
import csv
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, Dataset, DistributedSampler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as exported  # noqa: E402

KIND = "@KIND@"
# For each of the 15 points, the point a horizontal flip turns it into (left <-> right).
MIRROR = @MIRROR@


def read_csv(path):
    """(images [N, 1, 96, 96] float 0-255, targets, kind): targets are [N, 30] with NaN for missing points, or labels [N]."""
    csv.field_size_limit(1 << 30)
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = [h.strip() for h in next(reader)]
        rows = [r for r in reader if r]
    if "Image" in header:
        image = header.index("Image")
        columns = [i for i, h in enumerate(header) if h.endswith("_x") or h.endswith("_y")]
        if len(columns) != 30:
            raise SystemExit(f"{path}: a keypoint file needs 30 coordinate columns, found {len(columns)}")
        images = np.stack([np.array(r[image].split(), dtype=np.float32) for r in rows])
        targets = np.array([[float(r[c]) if r[c].strip() else np.nan for c in columns] for r in rows], dtype=np.float32)
        kind = "keypoints"
    elif "emotion" in header and "pixels" in header:
        e, p = header.index("emotion"), header.index("pixels")
        images = np.stack([np.array(r[p].split(), dtype=np.float32) for r in rows])
        targets = np.array([int(r[e]) for r in rows], dtype=np.int64)
        kind = "emotions"
    else:
        raise SystemExit(f"{path}: neither a keypoint CSV (Image column) nor an emotion CSV (emotion, pixels)")
    side = int(round(images.shape[1] ** 0.5))
    if side * side != images.shape[1]:
        raise SystemExit(f"{path}: {images.shape[1]} pixels per row is not a square image")
    x = torch.from_numpy(images).reshape(-1, 1, side, side)
    if side != 96:
        x = F.interpolate(x, size=(96, 96), mode="bicubic", align_corners=False).clamp(0, 255)
    return x, torch.from_numpy(targets), kind


class Faces(Dataset):
    """Faces with their targets; a seeded coin per (epoch, index) decides each flip."""

    def __init__(self, images, targets, kind, flip, seed):
        self.images, self.targets, self.kind, self.flip, self.seed, self.epoch = images, targets, kind, flip, seed, 0

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        x, y = self.images[i] / 255.0, self.targets[i]
        g = torch.Generator().manual_seed(self.seed * 1_000_003 + self.epoch * 10_007 + i)
        if self.flip and torch.rand(1, generator=g).item() < 0.5:
            x = torch.flip(x, dims=[2])
            if self.kind == "keypoints":
                points = y.reshape(15, 2)[MIRROR].clone()
                points[:, 0] = x.shape[2] - points[:, 0]  # x -> W - x (pixel centres at j + 0.5)
                y = points.reshape(30)
        return x, y


def masked_mse(prediction, target):
    mask = ~torch.isnan(target)
    diff = torch.where(mask, prediction - torch.nan_to_num(target), torch.zeros_like(prediction))
    return (diff ** 2).sum() / mask.sum().clamp(min=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="training CSV")
    ap.add_argument("--weights", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "model.safetensors"))
    ap.add_argument("--part", choices=["keypoints", "emotions"], help="for a fused model: which part to train")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch", type=int, default=32, help="per process")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (0: no limit)")
    ap.add_argument("--no-flip", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="trained.safetensors")
    args = ap.parse_args()

    cuda = torch.cuda.is_available()
    dist.init_process_group("nccl" if cuda else "gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}") if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    torch.manual_seed(args.seed)

    full = exported.build_model()
    exported.load_weights(full, args.weights)
    if KIND == "fused":
        if args.part is None:
            raise SystemExit("a fused model trains one part at a time: give --part keypoints or --part emotions")
        net, kind = getattr(full, args.part), args.part
    else:
        net, kind = full, KIND

    images, targets, data_kind = read_csv(args.data)
    if data_kind != kind:
        raise SystemExit(f"{args.data} holds {data_kind} data but the model part is {kind}")
    data = Faces(images, targets, kind, flip=not args.no_flip, seed=args.seed)
    sampler = DistributedSampler(data, num_replicas=world, rank=rank, shuffle=True, seed=args.seed)
    loader = DataLoader(data, batch_size=args.batch, sampler=sampler, drop_last=False)

    net.to(device).train()
    ddp = DistributedDataParallel(net, device_ids=[device.index] if cuda else None)
    optimizer = torch.optim.Adam(ddp.parameters(), lr=args.lr)
    loss_fn = masked_mse if kind == "keypoints" else F.cross_entropy
    step = 0
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)
        data.epoch = epoch
        start, total, seen = time.time(), 0.0, 0
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            loss = loss_fn(ddp(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(x)
            seen += len(x)
            step += 1
            if args.max_steps and step >= args.max_steps:
                break
        summary = torch.tensor([total, seen], dtype=torch.float64, device=device)
        dist.all_reduce(summary)
        if rank == 0:
            print(f"epoch {epoch + 1}: loss {summary[0].item() / max(1.0, summary[1].item()):.4f} "
                  f"({int(summary[1].item())} faces on {world} processes, {time.time() - start:.1f} s)", flush=True)
        if args.max_steps and step >= args.max_steps:
            break
    if rank == 0:
        full.eval()
        exported.save_weights(full, args.out)
        print(f"wrote {args.out} (steps: {step} per process)", flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
"""#
}
