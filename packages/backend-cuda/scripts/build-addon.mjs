#!/usr/bin/env node
// Builds the optional native addon build/Release/recur_cuda.node with nvcc (kernels.cu) and the host
// C++ compiler (context.cc, gemm.cc, sequence.cc, addon.cc), linked against cuBLAS and the static CUDA runtime.
//
// The build is optional: when nvcc, cuBLAS or the Node-API headers are missing it prints ONE line
// saying what is missing and how to point the build at a toolkit, records the reason in
// build/addon-status.json (which the runtime reports as the reason `cuda` is unavailable), and exits 0.
//
// Environment:
//   CUDA_HOME (or CUDA_PATH)  CUDA toolkit root: $CUDA_HOME/bin/nvcc, include/, lib64/ (default: the
//                             toolkit of the nvcc on PATH, else /usr/local/cuda)
//   CUBLAS_HOME               where cuBLAS lives if it is not in the toolkit: $CUBLAS_HOME/include/cublas_v2.h
//                             and $CUBLAS_HOME/lib{,64}/libcublas.so* (e.g. the pip wheel nvidia-cublas:
//                             CUBLAS_HOME=DIR/nvidia/cu13 after `pip install --no-deps --target DIR nvidia-cublas`)
//   RECUR_CUDA_ARCHS          compute capabilities to build SASS for, default "80;90" (+ PTX of the last)
//   NODE_API_HEADERS          directory with node_api.h (default: next to the running node, /usr/include/node)
//   RECUR_CUDA_BUILD_DIR      output directory (default: <package>/build)
//   RECUR_CUDA_REQUIRE=1      fail (exit 1) instead of skipping when the addon cannot be built
//   CXX                       host C++ compiler (default: c++)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(pkgDir, 'native');
const HOW =
  'Set CUDA_HOME to a CUDA toolkit (nvcc in $CUDA_HOME/bin) and, if cuBLAS is not inside it, CUBLAS_HOME to a directory with include/cublas_v2.h and lib/libcublas.so (e.g. `pip install --no-deps --target DIR nvidia-cublas` then CUBLAS_HOME=DIR/nvidia/cu13), then run `pnpm --filter @recur/backend-cuda build`.';

// The shared build steps (status file, one-line skips, up-to-date check, compiler runs) live in
// @recur/native, which `pnpm build` builds first.
let native;
try {
  native = await import('@recur/native');
} catch (e) {
  console.log(`[@recur/backend-cuda] native addon not built: @recur/native, which the build uses, is not built (${e instanceof Error ? e.message.split('\n')[0] : e}). Run \`pnpm --filter @recur/backend-cuda... build\` (the package and what it depends on).`);
  process.exit(process.env.RECUR_CUDA_REQUIRE === '1' ? 1 : 0);
}
const { AddonBuild, findNodeApiHeaders, which } = native;
const build = new AddonBuild({ packageName: '@recur/backend-cuda', packageDir: pkgDir, addonFile: 'recur_cuda.node', envPrefix: 'RECUR_CUDA', howToInstall: HOW });
const skip = (reason) => build.skip(reason);

function firstExisting(paths) {
  return paths.find((p) => p && existsSync(p)) ?? null;
}

/** A shared library `name` (libfoo.so or libfoo.so.N) in one of `dirs`: [dir, file]. */
function findLib(dirs, name) {
  for (const dir of dirs) {
    if (!dir || !existsSync(dir)) continue;
    const files = readdirSync(dir).filter((f) => f === `${name}.so` || f.startsWith(`${name}.so.`)).sort((a, b) => a.length - b.length);
    if (files.length > 0) return [dir, files[0]];
  }
  return null;
}

// ---- locate the tools ---------------------------------------------------------------------------------
const envHome = process.env.CUDA_HOME || process.env.CUDA_PATH || '';
const nvccFound = which('nvcc');
/** The toolkit root of the nvcc on PATH (it may be a link or a wrapper script outside the toolkit). */
function toolkitOf(nvccPath) {
  const candidates = [resolve(dirname(realpathSync(nvccPath)), '..')];
  const dry = spawnSync(nvccPath, ['--dryrun', '-c', '-x', 'cu', '/dev/null'], { encoding: 'utf8' });
  const top = /TOP=(\S+)/.exec(`${dry.stdout || ''}${dry.stderr || ''}`);
  if (top) candidates.push(resolve(top[1]));
  candidates.push('/usr/local/cuda');
  return candidates.find((c) => existsSync(join(c, 'include', 'cuda_runtime.h'))) ?? candidates[0];
}
const cudaHome = envHome ? resolve(envHome) : nvccFound ? toolkitOf(nvccFound) : '/usr/local/cuda';
const nvcc = firstExisting([join(cudaHome, 'bin', 'nvcc'), envHome ? null : nvccFound]);
if (!nvcc) skip(`nvcc was not found (looked in ${join(cudaHome, 'bin')}${envHome ? '' : ' and on PATH'})`);

const cudaInclude = firstExisting([join(cudaHome, 'include'), join(cudaHome, 'targets', 'x86_64-linux', 'include')]);
const cudaLibDirs = [join(cudaHome, 'lib64'), join(cudaHome, 'lib'), join(cudaHome, 'targets', 'x86_64-linux', 'lib')].filter((d) => existsSync(d));
if (!cudaInclude || !existsSync(join(cudaInclude, 'cuda_runtime.h'))) skip(`cuda_runtime.h was not found under ${cudaHome}/include`);
const cudartStatic = firstExisting(cudaLibDirs.map((d) => join(d, 'libcudart_static.a')));
const cudartShared = findLib(cudaLibDirs, 'libcudart');
if (!cudartStatic && !cudartShared) skip(`the CUDA runtime (libcudart_static.a or libcudart.so) was not found under ${cudaHome}`);

const cublasHome = process.env.CUBLAS_HOME ? resolve(process.env.CUBLAS_HOME) : null;
const cublasInclude = firstExisting([
  cublasHome && join(cublasHome, 'include', 'cublas_v2.h'),
  join(cudaInclude, 'cublas_v2.h'),
]);
const cublasLib = findLib(cublasHome ? [join(cublasHome, 'lib'), join(cublasHome, 'lib64')] : cudaLibDirs, 'libcublas');
if (!cublasInclude || !cublasLib) {
  skip(
    cublasHome
      ? `cuBLAS was not found under CUBLAS_HOME=${cublasHome} (need include/cublas_v2.h and lib/libcublas.so*)`
      : `cuBLAS was not found in the CUDA toolkit at ${cudaHome} (no cublas_v2.h / libcublas.so) and CUBLAS_HOME is not set`,
  );
}

const nodeInclude = findNodeApiHeaders();
if (!nodeInclude) skip('the Node-API headers (node_api.h) were not found; set NODE_API_HEADERS to the directory that holds them');
const cxx = process.env.CXX || which('c++') || which('g++');
if (!cxx) skip('no host C++ compiler (c++ or g++, or set CXX)');

// ---- compile --------------------------------------------------------------------------------------------
const archs = (process.env.RECUR_CUDA_ARCHS || '80;90').split(/[;,\s]+/).filter(Boolean);
const sources = ['kernels.cu', 'context.cc', 'gemm.cc', 'sequence.cc', 'addon.cc'];
const headers = ['common.h', 'kernels.h', 'cell-math.h', 'train-math.h', 'context.h', 'sequence.h'];
const inputs = [...sources, ...headers].map((f) => join(nativeDir, f)).concat(fileURLToPath(import.meta.url));
const config = { nvcc, cudaHome, cublasInclude: dirname(cublasInclude), cublasLib: join(...cublasLib), archs, nodeInclude, cxx };

build.exitIfUpToDate(inputs, config);
const includes = [`-I${cudaInclude}`, `-I${dirname(cublasInclude)}`, `-I${nodeInclude}`];
const defines = ['-DNODE_GYP_MODULE_NAME=recur_cuda', '-DNAPI_VERSION=8'];

const run = (cmd, args) => build.run(cmd, args, config);
const objDir = build.objDir;

const t0 = Date.now();
const gencode = archs.flatMap((a) => ['-gencode', `arch=compute_${a},code=sm_${a}`]);
const last = archs[archs.length - 1];
gencode.push('-gencode', `arch=compute_${last},code=compute_${last}`);
run(nvcc, ['-c', '-O3', '-std=c++17', '-Xcompiler', '-fPIC', ...gencode, ...includes, join(nativeDir, 'kernels.cu'), '-o', join(objDir, 'kernels.o')]);
for (const src of ['context.cc', 'gemm.cc', 'sequence.cc', 'addon.cc']) {
  run(cxx, ['-c', '-O2', '-std=c++17', '-fPIC', '-fvisibility=hidden', '-Wall', ...defines, ...includes, join(nativeDir, src), '-o', join(objDir, src.replace('.cc', '.o'))]);
}
const [cublasDir, cublasFile] = cublasLib;
const cudart = cudartStatic ? [cudartStatic] : ['-L', cudartShared[0], `-l:${cudartShared[1]}`];
const rpaths = [cublasDir, ...(cudartStatic ? [] : [cudartShared[0]])].map((d) => `-Wl,-rpath,${d}`);
run(cxx, [
  '-shared',
  '-o',
  build.addonPath,
  ...['kernels.o', 'context.o', 'gemm.o', 'sequence.o', 'addon.o'].map((o) => join(objDir, o)),
  ...cudart,
  '-L',
  cublasDir,
  `-l:${cublasFile}`,
  ...rpaths,
  '-lpthread',
  '-ldl',
  '-lrt',
]);
build.finish(config, t0, `(sm_${archs.join(', sm_')} + PTX ${last})`);
