#!/usr/bin/env python3
"""Export the ONNX models the onnxruntime-node peer runs in `pnpm bench`.

Run by hand with Debian's python3-torch (`/usr/bin/python3 tools/bench/export_onnx.py`); the .onnx
files are committed under bench/fixtures/ so the benchmark never needs PyTorch.

- lstm-seq-i8-h128.onnx:    W3, forward over a whole sequence, input [T, B, 8] (dynamic T, B).
- lstm-step-i8-h128.onnx:   W4, one step with the state carried: (x [1, 1, 8], h [1, 1, 128],
                            c [1, 1, 128]) -> (y, h', c').
Weights are random: the benchmark measures time, not accuracy.
"""
import os
import torch

torch.manual_seed(0)
out_dir = os.path.join(os.path.dirname(__file__), '..', '..', 'bench', 'fixtures')
os.makedirs(out_dir, exist_ok=True)


class Seq(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = torch.nn.LSTM(8, 128)

    def forward(self, x):
        y, _ = self.rnn(x)
        return y


class Step(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = torch.nn.LSTM(8, 128)

    def forward(self, x, h, c):
        y, (h2, c2) = self.rnn(x, (h, c))
        return y, h2, c2


seq = Seq().eval()
torch.onnx.export(
    seq, (torch.randn(50, 64, 8),), os.path.join(out_dir, 'lstm-seq-i8-h128.onnx'),
    input_names=['x'], output_names=['y'], dynamic_axes={'x': {0: 'T', 1: 'B'}, 'y': {0: 'T', 1: 'B'}},
    opset_version=14,
)
step = Step().eval()
torch.onnx.export(
    step, (torch.randn(1, 1, 8), torch.zeros(1, 1, 128), torch.zeros(1, 1, 128)),
    os.path.join(out_dir, 'lstm-step-i8-h128.onnx'),
    input_names=['x', 'h', 'c'], output_names=['y', 'h_out', 'c_out'], opset_version=14,
)
print('wrote', sorted(os.listdir(out_dir)))
