#!/usr/bin/env bash
# Everything that needs an NVIDIA GPU, in one go, for a machine that has one:
#   1. build the addon (fails loudly instead of skipping), getting cuBLAS from pip if needed
#   2. run the package's tests, including the full conformance suite on 'cuda'
#   3. benchmark W1, W3 and the large LSTM on recur and on PyTorch cuDNN, print one table
# Run from anywhere inside the repository after `pnpm install`:
#   bash packages/backend-cuda/bench/run-on-gpu.sh            (or: pnpm --filter @recur/backend-cuda gpu-check)
# Environment: CUDA_HOME / CUBLAS_HOME as for the build (README); PYTHON (default python3) with torch+CUDA;
# OUT (default a temp dir) receives build logs, test output and the JSON results.
set -euo pipefail
PKG="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$PKG/../.." && pwd)"
OUT="${OUT:-$(mktemp -d)}"
PYTHON="${PYTHON:-python3}"
mkdir -p "$OUT"
echo "== GPU"; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || { echo "nvidia-smi failed: no usable GPU here"; exit 1; }

if [ -z "${CUBLAS_HOME:-}" ] && ! ls "${CUDA_HOME:-/usr/local/cuda}"/include/cublas_v2.h >/dev/null 2>&1; then
  echo "== cuBLAS is not in the toolkit: installing the nvidia-cublas wheel into $OUT/cublas"
  "$PYTHON" -m pip install --quiet --no-deps --target "$OUT/cublas" nvidia-cublas
  CUBLAS_HOME="$(dirname "$(dirname "$(find "$OUT/cublas" -name cublas_v2.h | head -1)")")"
  export CUBLAS_HOME
fi
echo "== build (CUBLAS_HOME=${CUBLAS_HOME:-toolkit})"
cd "$ROOT"
pnpm --filter @recur/backend-cuda^... build > "$OUT/deps-build.log" 2>&1 || { tail -30 "$OUT/deps-build.log"; exit 1; }
RECUR_CUDA_REQUIRE=1 pnpm --filter @recur/backend-cuda build 2>&1 | tee "$OUT/build.log"
node -e "const p=require('$PKG/dist/index.cjs').probeCuda(); console.log('probeCuda:', JSON.stringify(p)); if(!p.available) process.exit(1)"

echo "== tests + conformance on cuda"
pnpm vitest run packages/backend-cuda 2>&1 | tee "$OUT/tests.log"

echo "== PyTorch cuDNN"
TORCH_JSON="$OUT/torch.json"
if "$PYTHON" "$PKG/bench/torch_cudnn.py" --json "$TORCH_JSON" > "$OUT/torch.log" 2>&1; then TORCH_ARG=(--torch "$TORCH_JSON"); else
  echo "(PyTorch cuDNN peer failed: $(tail -1 "$OUT/torch.log")) — the table has recur only"; TORCH_ARG=(); fi

echo "== recur cuda benchmark"
node "$PKG/bench/cuda-bench.mjs" "${TORCH_ARG[@]}" --json "$OUT/cuda-bench.json"
echo "results in $OUT"
