#!/usr/bin/env python3
"""Optional PyTorch CPU peer for `pnpm bench`.

Reads {"workloads": [...], "warmup": n, "streamWarmup": n, "iterations": n, "threads": n | null} as JSON on stdin, runs
each workload with torch.nn.LSTM/GRU (float32, CPU, torch's default threads unless "threads" is set) and prints one JSON object mapping
workload id -> {"medianMs", "minMs", "maxMs", "samples"} (or {"skip": reason}).
"""
import json
import statistics
import sys
import time

import torch

spec = json.load(sys.stdin)
warmup, iterations = spec["warmup"], spec["iterations"]
stream_warmup = spec.get("streamWarmup", warmup)  # streaming workloads warm up longer (workloads.ts: planFor)
if spec.get("threads"):
    torch.set_num_threads(int(spec["threads"]))
torch.manual_seed(0)
results = {}


def timed(fn, units=1, warm=None):
    for _ in range(warmup if warm is None else warm):
        fn()
    samples = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000 / units)
    return {"medianMs": statistics.median(samples), "minMs": min(samples), "maxMs": max(samples), "samples": len(samples)}


for w in spec["workloads"]:
    B, T, I, H, O = w["B"], w["T"], w["I"], w["H"], w["O"]
    Cell = torch.nn.LSTM if w["cell"] == "lstm" else torch.nn.GRU
    if w["kind"] == "infer-stream":
        cell = (torch.nn.LSTMCell if w["cell"] == "lstm" else torch.nn.GRUCell)(I, H)
        x = torch.randn(B, I)
        state = {"h": torch.zeros(B, H), "c": torch.zeros(B, H)}

        steps = spec.get("streamSteps", 1)

        def step():
            with torch.no_grad():
                for _ in range(steps):
                    if w["cell"] == "lstm":
                        state["h"], state["c"] = cell(x, (state["h"], state["c"]))
                    else:
                        state["h"] = cell(x, state["h"])

        results[w["id"]] = timed(step, steps, stream_warmup)
        continue
    rnn = Cell(I, H, batch_first=True)
    x = torch.randn(B, T, I)
    if w["kind"] == "infer-seq":
        def fwd():
            with torch.no_grad():
                rnn(x)

        results[w["id"]] = timed(fwd)
        continue
    head = torch.nn.Linear(H, O)
    y = torch.randn(B, O)
    opt = torch.optim.Adam(list(rnn.parameters()) + list(head.parameters()), lr=1e-3)

    def train():
        opt.zero_grad()
        out, _ = rnn(x)
        loss = torch.nn.functional.mse_loss(head(out[:, -1]), y)
        loss.backward()
        opt.step()

    results[w["id"]] = timed(train)

results["_meta"] = {"torch": torch.__version__, "threads": torch.get_num_threads()}
print(json.dumps(results))
