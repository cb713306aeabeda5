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
import { existsSync, mkdirSync, readdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(pkgDir, 'native');
const outDir = resolve(process.env.RECUR_CUDA_BUILD_DIR || join(pkgDir, 'build'));
const releaseDir = join(outDir, 'Release');
const objDir = join(outDir, 'obj');
const addonPath = join(releaseDir, 'recur_cuda.node');
const statusPath = join(outDir, 'addon-status.json');
const require_ = process.env.RECUR_CUDA_REQUIRE === '1';
const HOW =
  'Set CUDA_HOME to a CUDA toolkit (nvcc in $CUDA_HOME/bin) and, if cuBLAS is not inside it, CUBLAS_HOME to a directory with include/cublas_v2.h and lib/libcublas.so (e.g. `pip install --no-deps --target DIR nvidia-cublas` then CUBLAS_HOME=DIR/nvidia/cu13), then run `pnpm --filter @recur/backend-cuda build`.';

function writeStatus(status) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(statusPath, JSON.stringify({ ...status, time: new Date().toISOString() }, null, 2) + '\n');
}

function skip(reason) {
  writeStatus({ built: existsSync(addonPath), reason, keptEarlierBuild: existsSync(addonPath) });
  console.log(`[@recur/backend-cuda] native addon not built: ${reason}. ${HOW}`);
  process.exit(require_ ? 1 : 0);
}

function which(cmd) {
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return null;
}

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

const nodeInclude = firstExisting([
  process.env.NODE_API_HEADERS,
  join(dirname(process.execPath), '..', 'include', 'node'),
  '/usr/include/node',
  '/usr/local/include/node',
]);
if (!nodeInclude || !existsSync(join(nodeInclude, 'node_api.h'))) {
  skip('the Node-API headers (node_api.h) were not found; set NODE_API_HEADERS to the directory that holds them');
}
const cxx = process.env.CXX || which('c++') || which('g++');
if (!cxx) skip('no host C++ compiler (c++ or g++, or set CXX)');

// ---- compile --------------------------------------------------------------------------------------------
const archs = (process.env.RECUR_CUDA_ARCHS || '80;90').split(/[;,\s]+/).filter(Boolean);
const sources = ['kernels.cu', 'context.cc', 'gemm.cc', 'sequence.cc', 'addon.cc'];
const headers = ['common.h', 'kernels.h', 'cell-math.h', 'train-math.h', 'context.h', 'sequence.h'];
const inputs = [...sources, ...headers].map((f) => join(nativeDir, f)).concat(fileURLToPath(import.meta.url));
const newestInput = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
const config = { nvcc, cudaHome, cublasInclude: dirname(cublasInclude), cublasLib: join(...cublasLib), archs, nodeInclude, cxx };

if (existsSync(addonPath) && statSync(addonPath).mtimeMs > newestInput && process.env.RECUR_CUDA_FORCE !== '1') {
  writeStatus({ built: true, upToDate: true, ...config });
  console.log(`[@recur/backend-cuda] native addon is up to date: ${addonPath}`);
  process.exit(0);
}

mkdirSync(releaseDir, { recursive: true });
mkdirSync(objDir, { recursive: true });
const includes = [`-I${cudaInclude}`, `-I${dirname(cublasInclude)}`, `-I${nodeInclude}`];
const defines = ['-DNODE_GYP_MODULE_NAME=recur_cuda', '-DNAPI_VERSION=8'];

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) {
    const out = `${r.stdout || ''}${r.stderr || ''}${r.error ? String(r.error) : ''}`.trim();
    console.error(out);
    writeStatus({ built: false, reason: `compiling the addon failed: ${cmd} ${args.join(' ')}\n${out.slice(0, 4000)}`, ...config });
    console.log(`[@recur/backend-cuda] native addon not built: the compiler failed (see above and ${statusPath}).`);
    process.exit(require_ ? 1 : 0);
  }
}

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
  addonPath,
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
writeStatus({ built: true, ...config, seconds: (Date.now() - t0) / 1000 });
console.log(`[@recur/backend-cuda] built ${addonPath} in ${((Date.now() - t0) / 1000).toFixed(1)} s (sm_${archs.join(', sm_')} + PTX ${last})`);
