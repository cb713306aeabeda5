#!/usr/bin/env bash
# Everything that needs an NVIDIA GPU, in one go, for a machine that has one:
#   1. the addon: built here when nvcc is present (fails loudly instead of skipping), else the one
#      already in build/Release (e.g. built on a machine with nvcc and carried over)
#   2. cuBLAS located for the loader (CUBLAS_HOME, the toolkit, a pip/torch nvidia wheel, or pip install)
#   3. the package's tests, including the full conformance suite on 'cuda' (needs the installed
#      workspace: pnpm install; skipped with a message otherwise)
#   4. W1, W3 and the large LSTM on recur and on PyTorch cuDNN, printed as one table
#
#   bash packages/backend-cuda/bench/run-on-gpu.sh      (or: pnpm --filter @recur/backend-cuda gpu-check)
#
# Environment: CUDA_HOME / CUBLAS_HOME as for the build (README); PYTHON (default python3) with a CUDA
# build of torch for the cuDNN column; OUT (default a temp dir) receives logs and JSON results.
# The addon is built against CUDA 13: the GPU's driver must support CUDA 13 (driver ≥ 580), or the
# probe reports cudaErrorInsufficientDriver (35) and nothing else runs.
set -uo pipefail
PKG="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$PKG/../.." && pwd)"
OUT="${OUT:-$(mktemp -d)}"
PYTHON="${PYTHON:-python3}"
ADDON="$PKG/build/Release/recur_cuda.node"
mkdir -p "$OUT"
fail() { echo "run-on-gpu: $*" >&2; exit 1; }

echo "== GPU"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || fail "nvidia-smi failed: no usable GPU here"

# ---- cuBLAS: find libcublas.so.* (and its headers, for a build) --------------------------------------
find_cublas() {
  local d
  for d in "${CUBLAS_HOME:-}" "${CUDA_HOME:-/usr/local/cuda}"; do
    [ -n "$d" ] && ls "$d"/lib*/libcublas.so* >/dev/null 2>&1 && { echo "$d"; return; }
  done
  # a pip wheel (nvidia-cublas, or the one torch depends on)
  d="$("$PYTHON" - <<'PY' 2>/dev/null
import glob, os, site
for sp in site.getsitepackages() + [site.getusersitepackages()]:
    for lib in sorted(glob.glob(os.path.join(sp, "nvidia", "*", "lib", "libcublas.so.*")), reverse=True):
        print(os.path.dirname(os.path.dirname(lib))); raise SystemExit
PY
)"
  [ -n "$d" ] && { echo "$d"; return; }
  if "$PYTHON" -m pip install --quiet --no-deps --target "$OUT/cublas" nvidia-cublas >/dev/null 2>&1; then
    dirname "$(dirname "$(find "$OUT/cublas" -name 'libcublas.so.*' | head -1)")"
  fi
}
CUBLAS_HOME="$(find_cublas)"
[ -n "$CUBLAS_HOME" ] || fail "cuBLAS not found: set CUBLAS_HOME (see packages/backend-cuda/README.md)"
export CUBLAS_HOME
for lib in "$CUBLAS_HOME"/lib "$CUBLAS_HOME"/lib64; do [ -d "$lib" ] && export LD_LIBRARY_PATH="$lib:${LD_LIBRARY_PATH:-}"; done
echo "== cuBLAS: $CUBLAS_HOME"

# ---- the addon ------------------------------------------------------------------------------------------
HAVE_WORKSPACE=0
[ -d "$ROOT/node_modules" ] && command -v pnpm >/dev/null 2>&1 && HAVE_WORKSPACE=1
if command -v nvcc >/dev/null 2>&1 || [ -x "${CUDA_HOME:-/usr/local/cuda}/bin/nvcc" ]; then
  echo "== build the addon"
  RECUR_CUDA_REQUIRE=1 RECUR_CUDA_FORCE=1 node "$PKG/scripts/build-addon.mjs" 2>&1 | tee "$OUT/build.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || fail "the addon build failed (see $OUT/build.log)"
elif [ -f "$ADDON" ]; then
  echo "== no nvcc here: using the addon already built at $ADDON"
else
  fail "no nvcc and no prebuilt $ADDON: build it on a machine with nvcc (README) and bring build/ along"
fi
export RECUR_CUDA_ADDON="$ADDON"

if [ "$HAVE_WORKSPACE" = 1 ]; then
  (cd "$ROOT" && pnpm --filter @recur/backend-cuda^... build > "$OUT/deps-build.log" 2>&1) || fail "building the dependencies failed (see $OUT/deps-build.log)"
  (cd "$PKG" && pnpm exec tsup > "$OUT/tsup.log" 2>&1) || fail "tsup failed (see $OUT/tsup.log)"
  (cd "$PKG" && node scripts/bundle-bench.mjs > /dev/null) || fail "bundling the benchmark failed"
fi
BENCH="$PKG/build/gpu-check/cuda-bench.js"
[ -f "$BENCH" ] || fail "$BENCH is missing: run 'node scripts/bundle-bench.mjs' in the package on a machine with the workspace"

echo "== probe"
node "$BENCH" --probe || fail "cuda is not usable here (reason above)"

# ---- tests + conformance ------------------------------------------------------------------------------
if [ "$HAVE_WORKSPACE" = 1 ]; then
  echo "== tests + conformance on cuda"
  (cd "$ROOT" && pnpm vitest run packages/backend-cuda 2>&1 | tee "$OUT/tests.log"; exit "${PIPESTATUS[0]}")
  TESTS=$?
else
  echo "== tests + conformance skipped: they need the installed workspace (pnpm install at $ROOT)"
  TESTS=0
fi

# ---- benchmarks -------------------------------------------------------------------------------------------
echo "== PyTorch cuDNN"
TORCH_ARG=()
if "$PYTHON" "$PKG/bench/torch_cudnn.py" --json "$OUT/torch.json" > "$OUT/torch.log" 2>&1; then
  TORCH_ARG=(--torch "$OUT/torch.json")
else
  echo "(PyTorch cuDNN peer failed: $(tail -1 "$OUT/torch.log")) — the table has recur only"
fi
echo "== recur cuda benchmark"
node "$BENCH" "${TORCH_ARG[@]}" --json "$OUT/cuda-bench.json" || fail "the benchmark failed"
echo "results in $OUT"
exit "$TESTS"
