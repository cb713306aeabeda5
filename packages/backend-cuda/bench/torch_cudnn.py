#!/usr/bin/env python3
"""PyTorch cuDNN `nn.LSTM` on the same shapes as bench/cuda-bench.mjs (float32).

    python3 bench/torch_cudnn.py [--json out.json] [--device cuda|cpu]

train: nn.LSTM forward, nn.Linear head on the last hidden state, MSE, backward, Adam step.
infer: nn.LSTM forward under torch.no_grad().
Timing: warm-up, then N iterations back to back, torch.cuda.synchronize() before and after;
ms per iteration. TF32 is disabled so cuDNN computes in float32, as recur does.
"""
import argparse
import json
import time

import torch

WORKLOADS = [
    dict(id="W1", kind="train", B=64, T=50, I=8, H=128, O=1, warmup=10, iterations=50),
    dict(id="W3", kind="infer", B=64, T=50, I=8, H=128, O=0, warmup=10, iterations=100),
    dict(id="L-infer", kind="infer", B=256, T=100, I=256, H=1024, O=0, warmup=3, iterations=20),
    dict(id="L-train", kind="train", B=256, T=100, I=256, H=1024, O=1, warmup=3, iterations=10),
]

parser = argparse.ArgumentParser()
parser.add_argument("--json", help="write the results to this file")
parser.add_argument("--device", default="cuda", help="cuda (default) or cpu for a smoke run")
parser.add_argument("--only", help="comma-separated workload ids")
args = parser.parse_args()

device = torch.device(args.device)
if device.type == "cuda" and not torch.cuda.is_available():
    raise SystemExit("torch_cudnn.py: torch.cuda.is_available() is False (no GPU or a CPU-only torch build)")
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.backends.cudnn.benchmark = True
torch.manual_seed(0)


def sync():
    if device.type == "cuda":
        torch.cuda.synchronize()


def run(w):
    B, T, I, H, O = w["B"], w["T"], w["I"], w["H"], w["O"]
    lstm = torch.nn.LSTM(I, H).to(device)  # time-major [T, B, I], as recur
    x = torch.randn(T, B, I, device=device)
    if w["kind"] == "infer":
        def it():
            with torch.no_grad():
                lstm(x)
    else:
        head = torch.nn.Linear(H, O).to(device)
        target = torch.randn(B, O, device=device)
        opt = torch.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=1e-3)
        loss_fn = torch.nn.MSELoss()

        def it():
            opt.zero_grad(set_to_none=False)
            _, (h, _) = lstm(x)
            loss = loss_fn(head(h[-1]), target)
            loss.backward()
            opt.step()
    for _ in range(w["warmup"]):
        it()
    sync()
    t0 = time.perf_counter()
    for _ in range(w["iterations"]):
        it()
    sync()
    return (time.perf_counter() - t0) * 1000 / w["iterations"]


only = args.only.split(",") if args.only else None
results = {}
for w in WORKLOADS:
    if only and w["id"] not in only:
        continue
    try:
        results[w["id"]] = {"ms": run(w)}
    except RuntimeError as e:  # e.g. out of memory
        results[w["id"]] = {"skip": str(e).splitlines()[0][:60]}
out = {
    "torch": torch.__version__,
    "cudnn": torch.backends.cudnn.version() if device.type == "cuda" else None,
    "device": torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu",
    "results": results,
}
print(json.dumps(out, indent=2))
if args.json:
    with open(args.json, "w") as f:
        json.dump(out, f, indent=2)
