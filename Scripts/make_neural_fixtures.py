#!/usr/bin/env python3
"""Writes the PyTorch golden values of Tests/NeuralTests/Fixtures.

    python3 Scripts/make_neural_fixtures.py

- keypoints_small.safetensors / emotions_small.safetensors: weights of reduced-width
  course ResNets (same structure and names as ainb's courseResNet), with random
  batch-norm statistics so that evaluation mode is exercised.
- *_io.safetensors: an input batch, its targets, the outputs in evaluation and
  training mode (and in training mode after the steps), the gradients of the first step (grad.NAME), and the losses of three Adam steps (lr 1e-2, eps 1e-3) from those weights.
- label_smoothing.safetensors: logits, labels, class weights, and PyTorch's
  cross_entropy with label_smoothing=0.1 (loss and gradient), with and without the weights.
- optimizers.safetensors: for each optimizer setting, start values, the gradients
  fed at each step and the values after each step (metadata: the settings).
"""
import copy
import json
import os
import sys
from collections import OrderedDict

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import torch_models as tm  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "NeuralTests", "Fixtures")
SMALL = dict(input_size=48, stem=8, stages=((4, 4, 8), (8, 8, 16)), average_pool=2)


def randomize_batch_norm(model, g):
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            with torch.no_grad():
                m.weight.copy_(1 + 0.2 * torch.randn(m.weight.shape, generator=g))
                m.bias.copy_(0.1 * torch.randn(m.bias.shape, generator=g))
                m.running_mean.copy_(0.1 * torch.randn(m.running_mean.shape, generator=g))
                m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=g))


def model_fixture(name, model, x, target, loss_fn, extra):
    g = torch.Generator().manual_seed(7)
    randomize_batch_norm(model, g)
    weights = tm.state_dict_for_ainb(model)
    tm.save_safetensors(weights, os.path.join(OUT, f"{name}.safetensors"), {"builder": json.dumps(extra["builder"])})
    io = OrderedDict(input=x, target=target.float())
    model.eval()
    with torch.no_grad():
        io["output_eval"] = model(x)
    train_copy = tm.course_resnet(**extra["builder"])
    train_copy.load_state_dict(model.state_dict())
    train_copy.train()
    with torch.no_grad():
        io["output_train"] = train_copy(x)
    # The training steps run in float64, with Adam's epsilon at 1e-3: Adam's first
    # steps move every weight by about ±lr whatever the size of its gradient, so
    # with eps 1e-8 gradients that are rounding noise (conv biases before a batch
    # norm, near-dead units) take random ±lr steps and float32 runs on 1 and 2
    # threads already disagree by ~5% after three steps. The larger epsilon keeps
    # the comparison well conditioned; optimizers.safetensors checks the default.
    model = copy.deepcopy(model).double()
    x, target = x.double(), (target.double() if target.is_floating_point() else target)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2, eps=1e-3)
    losses = []
    for step in range(3):
        opt.zero_grad()
        loss = loss_fn(model(x), target)
        loss.backward()
        if step == 0:
            for k, p in model.named_parameters():
                io["grad." + k] = p.grad.float().clone()
        opt.step()
        losses.append(loss.item())
    io["adam_losses"] = torch.tensor(losses, dtype=torch.float32)
    # Training mode: batch statistics cancel the conv biases before each batch norm,
    # whose gradients are rounding noise that Adam magnifies to ±lr steps.
    with torch.no_grad():
        io["output_after"] = model(x).float()
    for k, v in extra.get("tensors", {}).items():
        io[k] = v
    tm.save_safetensors(io, os.path.join(OUT, f"{name}_io.safetensors"))
    print(name, "losses", losses)


def optimizer_fixture():
    settings = OrderedDict([
        ("sgd", ("SGD", dict(lr=0.1))),
        ("sgd_wd", ("SGD", dict(lr=0.1, weight_decay=0.01))),
        ("momentum", ("SGD", dict(lr=0.05, momentum=0.9))),
        ("momentum_dampening", ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.1))),
        ("nesterov", ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True))),
        ("adagrad", ("Adagrad", dict(lr=0.1))),
        ("adagrad_wd", ("Adagrad", dict(lr=0.1, weight_decay=0.05, initial_accumulator_value=0.1))),
        ("rmsprop", ("RMSprop", dict(lr=0.01))),
        ("rmsprop_momentum", ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.5, weight_decay=0.01))),
        ("adam", ("Adam", dict(lr=0.01))),
        ("adam_wd", ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1))),
        ("adamw", ("AdamW", dict(lr=0.01, weight_decay=0.1))),
    ])
    g = torch.Generator().manual_seed(3)
    tensors = OrderedDict()
    steps, n = 5, 7
    for name, (kind, kw) in settings.items():
        p = torch.randn(n, generator=g).requires_grad_(True)
        tensors[f"{name}.p0"] = p.detach().clone()
        opt = getattr(torch.optim, kind)([p], **kw)
        grads, values = [], []
        for _ in range(steps):
            grad = torch.randn(n, generator=g)
            p.grad = grad.clone()
            opt.step()
            grads.append(grad)
            values.append(p.detach().clone())
        tensors[f"{name}.grads"] = torch.stack(grads)
        tensors[f"{name}.values"] = torch.stack(values)
    meta = {name: json.dumps({"kind": kind, **{k: list(v) if isinstance(v, tuple) else v for k, v in kw.items()}})
            for name, (kind, kw) in settings.items()}
    tm.save_safetensors(tensors, os.path.join(OUT, "optimizers.safetensors"), meta)


def label_smoothing_fixture():
    g = torch.Generator().manual_seed(5)
    logits = (torch.randn(6, 5, generator=g) * 2).double()  # float32 values, as stored
    labels = torch.tensor([0, 3, 1, 4, 3, 2])
    weights = torch.tensor([1.0, 4.0, 1.5, 0.5, 1.2], dtype=torch.float64)
    tensors = OrderedDict(logits=logits, labels=labels.double(), weights=weights)
    for name, w in (("plain", None), ("weighted", weights)):
        x = logits.clone().requires_grad_(True)
        loss = torch.nn.functional.cross_entropy(x, labels, weight=w, label_smoothing=0.1)
        loss.backward()
        tensors[f"{name}.loss"] = loss.detach().reshape(1)
        tensors[f"{name}.grad"] = x.grad
    tm.save_safetensors(tensors, os.path.join(OUT, "label_smoothing.safetensors"), {"label_smoothing": "0.1"})


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    kp_builder = dict(**SMALL, hidden=(32, 16), dropout=(0.0, 0.0), outputs=30)
    g = torch.Generator().manual_seed(1)
    x = torch.rand(4, 1, 48, 48, generator=g)
    y = torch.rand(4, 30, generator=g) * 2 - 1
    model_fixture("keypoints_small", tm.course_resnet(**kp_builder), x, y, torch.nn.MSELoss(),
                  {"builder": kp_builder})

    em_builder = dict(**SMALL, outputs=5)
    x = torch.rand(6, 1, 48, 48, generator=g)
    labels = torch.tensor([0, 1, 2, 3, 4, 3])
    weights = torch.tensor([1.0, 4.0, 1.5, 0.5, 1.2])
    weighted = lambda out, t: torch.nn.functional.cross_entropy(out, t, weight=weights.to(out.dtype))  # noqa: E731
    model_fixture("emotions_small", tm.course_resnet(**em_builder), x, labels, weighted,
                  {"builder": em_builder, "tensors": {"class_weights": weights}})
    optimizer_fixture()
    label_smoothing_fixture()


if __name__ == "__main__":
    main()
