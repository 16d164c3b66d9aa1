"""Writes resize_golden.json: PyTorch's bicubic interpolation (a = -0.75, half-pixel centres,
align_corners=False, no antialias) of a small image, the reference for ainb's resize."""
import json
import torch
import torch.nn.functional as F

torch.manual_seed(0)
x = (torch.rand(1, 1, 5, 6) * 255).round()
y = F.interpolate(x, size=(11, 9), mode="bicubic", align_corners=False)
with open("resize_golden.json", "w") as f:
    json.dump({"input_shape": list(x.shape), "input": x.flatten().tolist(),
               "output_shape": list(y.shape), "output": y.flatten().tolist()}, f)
