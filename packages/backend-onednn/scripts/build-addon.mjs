#!/usr/bin/env node
// Builds the optional native addon build/Release/recur_onednn.node with the host C++ compiler against
// oneDNN (dnnl.h / libdnnl) and the Node-API headers. It never downloads anything.
//
// The build is optional: when oneDNN, a C++ compiler or the Node-API headers are missing it prints ONE
// line saying what is missing and how to install it, records the reason in build/addon-status.json
// (which the runtime reports as the reason `onednn` is unavailable), and exits 0.
//
// Environment:
//   ONEDNN_HOME            oneDNN install prefix: $ONEDNN_HOME/include/oneapi/dnnl/dnnl.h (or include/dnnl.h)
//                          and $ONEDNN_HOME/lib{,64}/libdnnl.{so,dylib}. Default: $CONDA_PREFIX, /usr,
//                          /usr/local, /opt/homebrew (and Debian's multiarch lib directory).
//   NODE_API_HEADERS       directory with node_api.h (default: next to the running node, /usr/include/node)
//   RECUR_ONEDNN_BUILD_DIR output directory (default: <package>/build)
//   RECUR_ONEDNN_REQUIRE=1 fail (exit 1) instead of skipping when the addon cannot be built
//   RECUR_ONEDNN_FORCE=1   rebuild even when the addon is newer than its sources
//   CXX                    C++ compiler (default: c++, then g++, then clang++)
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(pkgDir, 'native');
const HOW =
  'Install oneDNN (Debian/Ubuntu: `apt-get install libdnnl-dev`; macOS: `brew install onednn`; conda: `conda install -c conda-forge onednn`) or set ONEDNN_HOME to its prefix, then run `pnpm --filter @recur/backend-onednn build`.';

// The shared build steps (status file, one-line skips, up-to-date check, compiler runs) live in
// @recur/native, which `pnpm build` builds first.
let native;
try {
  native = await import('@recur/native');
} catch (e) {
  console.log(`[@recur/backend-onednn] native addon not built: @recur/native, which the build uses, is not built (${e instanceof Error ? e.message.split('\n')[0] : e}). Run \`pnpm --filter @recur/backend-onednn... build\` (the package and what it depends on).`);
  process.exit(process.env.RECUR_ONEDNN_REQUIRE === '1' ? 1 : 0);
}
const { AddonBuild, findNodeApiHeaders, which } = native;
const build = new AddonBuild({ packageName: '@recur/backend-onednn', packageDir: pkgDir, addonFile: 'recur_onednn.node', envPrefix: 'RECUR_ONEDNN', howToInstall: HOW });
const skip = (reason) => build.skip(reason);

// ---- locate oneDNN ------------------------------------------------------------------------------------
const home = process.env.ONEDNN_HOME ? resolve(process.env.ONEDNN_HOME) : null;
const prefixes = home ? [home] : [process.env.CONDA_PREFIX, '/usr', '/usr/local', '/opt/homebrew', '/usr/local/opt/onednn'].filter(Boolean);
const prefix = prefixes.find((p) => existsSync(join(p, 'include', 'oneapi', 'dnnl', 'dnnl.hpp')));
if (!prefix) {
  skip(home ? `oneDNN headers were not found under ONEDNN_HOME=${home} (need include/oneapi/dnnl/dnnl.hpp)` : `oneDNN (dnnl.h) was not found in ${prefixes.join(', ')}`);
}
const libNames = ['libdnnl.so', 'libdnnl.dylib'];
const libDirs = [join(prefix, 'lib'), join(prefix, 'lib64'), join(prefix, 'lib', `${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`)];
const libDir = libDirs.find((d) => existsSync(d) && readdirSync(d).some((f) => libNames.includes(f) || f.startsWith('libdnnl.so.')));
if (!libDir) skip(`libdnnl was not found in ${libDirs.join(', ')} (the oneDNN headers are at ${prefix}/include)`);

const nodeInclude = findNodeApiHeaders();
if (!nodeInclude) skip('the Node-API headers (node_api.h) were not found; set NODE_API_HEADERS to the directory that holds them');
const cxx = process.env.CXX || which('c++') || which('g++') || which('clang++');
if (!cxx) skip('no C++ compiler was found (install g++ or clang++, or set CXX)');

// ---- compile ------------------------------------------------------------------------------------------
const sources = ['kernels.cc', 'gemm.cc', 'vector-math.cc', 'packed-matvec.cc', 'short-forward.cc', 'rnn.cc', 'addon.cc'];
const headers = ['common.h', 'kernels.h', 'gemm.h', 'vector-math.h', 'packed-matvec.h', 'short-forward.h', 'rnn.h'];
const inputs = [...sources, ...headers].map((f) => join(nativeDir, f)).concat(fileURLToPath(import.meta.url));
const config = { cxx, onednnPrefix: prefix, onednnLib: libDir, nodeInclude };

build.exitIfUpToDate(inputs, config);
// glibc's vector math library (SIMD expf / tanhf for the streaming path), on x86-64 Linux.
const libmvec =
  process.platform === 'linux' && process.arch === 'x64'
    ? ['/usr/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib64', '/lib64', '/usr/lib'].some((d) => existsSync(join(d, 'libmvec.so')))
    : false;
const includes = [`-I${join(prefix, 'include')}`, `-I${nodeInclude}`];
const defines = ['-DNODE_GYP_MODULE_NAME=recur_onednn', '-DNAPI_VERSION=8', ...(libmvec ? ['-DRO_LIBMVEC=1'] : [])];

const run = (cmd, args) => build.run(cmd, args, config);

const t0 = Date.now();
const objects = [];
for (const src of sources) {
  const obj = join(build.objDir, src.replace('.cc', '.o'));
  run(cxx, ['-c', '-O3', '-std=c++17', '-fPIC', '-fopenmp', '-fno-math-errno', '-fvisibility=hidden', '-Wall', ...defines, ...includes, join(nativeDir, src), '-o', obj]);
  objects.push(obj);
}
const darwin = process.platform === 'darwin';
run(cxx, ['-shared', '-fopenmp', '-o', build.addonPath, ...objects, '-L', libDir, '-ldnnl', `-Wl,-rpath,${libDir}`, ...(darwin ? ['-undefined', 'dynamic_lookup'] : [...(libmvec ? ['-lmvec'] : []), '-lm', '-lpthread'])]);
build.finish(config, t0, `against oneDNN at ${prefix}`);
