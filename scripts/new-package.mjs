#!/usr/bin/env node
// Scaffolds a workspace package with the shape DESIGN.md §7 asks for:
//   node scripts/new-package.mjs DIR NAME "One-line description" [--private] [--backend]
// e.g.
//   node scripts/new-package.mjs packages/backend-foo @recur/backend-foo "Foo kernels for recur"
//
// Every package gets: package.json (license, `repository` with its directory, `engines`, exports,
// files, scripts, publishConfig unless private), tsconfig.json, tsup.config.ts, README.md and
// src/index.ts. A published package also gets a changeset (`.changeset/<short>-initial.md`).
//
// A backend (NAME `@recur/backend-*`, or --backend) also gets what the add-a-backend guide needs:
//   - dependencies { @recur/backend }, devDependencies { @recur/conformance } (without the latter,
//     vitest passes but `tsc` fails with TS2307);
//   - src/backend.ts (the factory on defineBackend: a kernel table whose kernels throw until you
//     write them),
//     src/register.ts, src/package-info.ts (BACKEND_PACKAGE_INFO: the docs page and the benchmark
//     find the backend through it), src/<name>.conformance.test.ts;
//   - membership of the fixed version group in .changeset/config.json (the `@recur/backend-*`
//     glob covers it; any other name is added to the group);
//   - a devDependency of @recur/docs, so the docs build waits for it and generates its page.
// Then run `pnpm install` (it links the workspace dependencies).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryFor, NODE_ENGINES } from './lib/release-rules.mjs';
import { root } from './lib/workspace.mjs';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const [dir, name, description = ''] = positional;
if (!dir || !name) {
  console.error('usage: node scripts/new-package.mjs DIR NAME "description" [--private] [--backend]');
  process.exit(1);
}
const isPrivate = flags.includes('--private');
const isBackend = flags.includes('--backend') || /^@recur\/backend-/.test(name);
const abs = join(root, dir);
if (existsSync(join(abs, 'package.json'))) {
  console.error(`new-package: ${dir}/package.json already exists; choose another folder.`);
  process.exit(1);
}
mkdirSync(join(abs, 'src'), { recursive: true });
const depth = dir.split('/').filter(Boolean).length;
const up = Array(depth).fill('..').join('/');
const readJson = (file) => JSON.parse(readFileSync(join(root, file), 'utf8'));
const writeJson = (file, value) => writeFileSync(join(root, file), JSON.stringify(value, null, 2) + '\n');
const rootManifest = readJson('package.json');
// Backends version with @recur/backend (one fixed group): start at its version.
const version = isBackend ? readJson('packages/backend/package.json').version : '0.1.0';

/** `backend-foo-bar` → short `foo-bar`, `FooBar`. */
const short = name.replace(/^@[^/]+\//, '').replace(/^backend-/, '');
const pascal = short.replace(/(^|[-_.])(\w)/g, (_, _s, c) => c.toUpperCase());

const pkg = {
  name,
  version,
  description,
  ...(isPrivate ? { private: true } : {}),
  license: 'MIT',
  repository: repositoryFor(rootManifest, dir),
  engines: { ...NODE_ENGINES },
  type: 'module',
  sideEffects: false,
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.ts',
  exports: {
    '.': {
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './package.json': './package.json',
  },
  files: ['dist'],
  scripts: {
    build: 'tsup',
    test: `vitest run --root ${up} ${dir}`,
    lint: 'eslint src',
    typecheck: 'tsc --noEmit -p tsconfig.json',
  },
  ...(isPrivate ? {} : { publishConfig: { access: 'public' } }),
  dependencies: isBackend ? { '@recur/backend': 'workspace:*' } : {},
  devDependencies: isBackend ? { '@recur/conformance': 'workspace:*' } : {},
};
const written = [];
const write = (file, text) => {
  if (!existsSync(join(abs, file))) {
    writeFileSync(join(abs, file), text);
    written.push(`${dir}/${file}`);
  }
};
write('package.json', JSON.stringify(pkg, null, 2) + '\n');
write('tsconfig.json', JSON.stringify({ extends: `${up}/tsconfig.base.json`, compilerOptions: { outDir: 'dist' }, include: ['src'] }, null, 2) + '\n');
write(
  'tsup.config.ts',
  `import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
`,
);

if (!isBackend) {
  write('README.md', `# ${name}\n\n${description}\n`);
  write('src/index.ts', `/**\n * ${name}: ${description}\n *\n * @packageDocumentation\n */\nexport {};\n`);
} else {
  write(
    'README.md',
    `# ${name}

${description}

A recur backend: it implements the Backend contract of \`@recur/backend\` and runs the shared
conformance suite (\`src/${short}.conformance.test.ts\`).

\`\`\`sh
npm install @recur/core ${name}
\`\`\`

Registry name \`${short}\`: \`register${pascal}Backend()\`, then \`useBackend('${short}')\`.
Nothing registers itself on import. Capabilities, runtimes and measured speed: the docs site's page
for this backend (generated from \`BACKEND_PACKAGE_INFO\` in \`src/package-info.ts\` and \`pnpm bench\`).
`,
  );
  write(
    'src/index.ts',
    `/**
 * ${name}: ${description}
 *
 * @packageDocumentation
 */
export { create${pascal}Backend, type ${pascal}BackendOptions } from './backend.js';
export { register${pascal}Backend } from './register.js';
export { BACKEND_PACKAGE_INFO, ${short.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_CAPABILITIES } from './package-info.js';
`,
  );
  const CAPS = `${short.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_CAPABILITIES`;
  write(
    'src/package-info.ts',
    `/** The static description of this package: the docs site's backend page and \`pnpm bench\` read it. */
import type { BackendPackageInfo, CapabilityDeclaration } from '@recur/backend';
import { register${pascal}Backend } from './register.js';

/** What every instance declares; the factory builds \`capabilities\` from it. Declare honestly: the suite skips only by capability. */
export const ${CAPS}: CapabilityDeclaration = { precision: 'float32', training: true, fusedSequence: false, variableLength: true, async: false };

/** \`${name}\`, described for tools: registry name, priority, capabilities, where it runs. */
export const BACKEND_PACKAGE_INFO: BackendPackageInfo = {
  package: '${name}',
  title: '${pascal}',
  summary: ${JSON.stringify(description || `The ${short} backend.`)},
  runsIn: ['Node 20+'],
  install: ['npm install @recur/core ${name}'],
  variants: [{ name: '${short}', priority: -10, capabilities: ${CAPS} }],
  register: () => register${pascal}Backend(),
};
`,
  );
  write(
    'src/register.ts',
    `/** Opt-in registration: nothing registers itself on import. */
import { registerBackend } from '@recur/backend';
import { create${pascal}Backend, type ${pascal}BackendOptions } from './backend.js';

/** Register the backend as \`'${short}'\`, so \`useBackend('${short}')\` and \`listBackends()\` know it. */
export function register${pascal}Backend(options: ${pascal}BackendOptions = {}): void {
  registerBackend('${short}', {
    create: () => create${pascal}Backend(options),
    // Answer cheaply whether it can run here and, if not, why (shown by listBackends()).
    probe: () => ({ available: true }),
    priority: -10,
    description: ${JSON.stringify(description || `The ${short} backend.`)},
  });
}
`,
  );
  write(
    'src/backend.ts',
    `/**
 * The ${short} backend. A skeleton from scripts/new-package.mjs: \`defineBackend\` wires the memory
 * functions and the kernel table below, runs every shared argument check before a kernel and
 * throws \`BackendDestroyedError\` after \`destroy()\`, so this file only ever holds your kernels.
 * Every kernel throws until you write it, so the conformance suite fails until then. Follow
 * docs/contributing/add-a-backend.md §2–§4 (examples/custom-backend is a complete one).
 *
 * Start small if you like: with \`fusedSequence: false\` (the default) \`cellForward\` and
 * \`cellBackward\` only ever see T = 1, and @recur/core composes whole sequences from them.
 */
import { CapabilityError, defineBackend, type Backend, type BackendMemory, type KernelTable } from '@recur/backend';
import { ${CAPS} } from './package-info.js';

/** Options of {@link create${pascal}Backend}. */
export interface ${pascal}BackendOptions {
  /** Add your backend's options here. */
  readonly label?: string;
}

/** What every kernel receives first: your device, scratch space, tensor access. */
interface ${pascal}Context {
  readonly name: string;
  readonly label: string | undefined;
}

function todo(ctx: ${pascal}Context, kernel: string): never {
  throw new CapabilityError(ctx.name, kernel, \`not written yet\${ctx.label ? \` (\${ctx.label})\` : ''}: see docs/contributing/add-a-backend.md §4\`);
}

/** The kernels: one function per kernel of the contract, each taking the context first. */
const KERNELS: KernelTable<${pascal}Context> = {
  gemm: (ctx) => todo(ctx, 'gemm'),
  copy: (ctx) => todo(ctx, 'copy'),
  fill: (ctx) => todo(ctx, 'fill'),
  axpy: (ctx) => todo(ctx, 'axpy'),
  scale: (ctx) => todo(ctx, 'scale'),
  mul: (ctx) => todo(ctx, 'mul'),
  clipByValue: (ctx) => todo(ctx, 'clipByValue'),
  sumSquares: (ctx) => todo(ctx, 'sumSquares'),
  sumRows: (ctx) => todo(ctx, 'sumRows'),
  activation: (ctx) => todo(ctx, 'activation'),
  activationBackward: (ctx) => todo(ctx, 'activationBackward'),
  softmax: (ctx) => todo(ctx, 'softmax'),
  cellForward: (ctx) => todo(ctx, 'cellForward'),
  cellBackward: (ctx) => todo(ctx, 'cellBackward'),
  loss: (ctx) => todo(ctx, 'loss'),
  optimizerStep: (ctx) => todo(ctx, 'optimizerStep'),
  gather: (ctx) => todo(ctx, 'gather'),
  scatterAdd: (ctx) => todo(ctx, 'scatterAdd'),
};

let instances = 0;

/** Make a ${short} backend. */
export function create${pascal}Backend(options: ${pascal}BackendOptions = {}): Backend {
  const context: ${pascal}Context = { name: '${short}', label: options.label };
  const memory: BackendMemory = {
    alloc: () => todo(context, 'alloc'),
    upload: () => todo(context, 'upload'),
    write: () => todo(context, 'write'),
    read: async () => todo(context, 'read'),
    dispose: () => todo(context, 'dispose'),
    memory: () => ({ liveTensors: 0, liveBytes: 0 }),
    sync: async () => {},
    destroy: () => {},
  };
  return defineBackend({
    name: context.name,
    id: \`\${context.name}#\${++instances}\`,
    factory: 'create${pascal}Backend',
    capabilities: ${CAPS},
    context,
    memory,
    kernels: KERNELS,
  });
}
`,
  );
  write(
    `src/${short}.conformance.test.ts`,
    `import { describeBackendConformance } from '@recur/conformance';
import { create${pascal}Backend } from './index.js';

describeBackendConformance({ name: '${short}', create: () => create${pascal}Backend() });
`,
  );

  // The fixed version group: backends release together with @recur/backend and @recur/core.
  const config = readJson('.changeset/config.json');
  const group = config.fixed?.[0] ?? [];
  const glob = (pattern) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  if (!isPrivate && !group.some((p) => glob(p).test(name))) {
    config.fixed = [[...group, name], ...(config.fixed ?? []).slice(1)];
    writeJson('.changeset/config.json', config);
    written.push('.changeset/config.json (fixed group)');
  }
  // The docs build must wait for this package, so that it can generate its backend page.
  const docs = readJson('apps/docs/package.json');
  if (!docs.devDependencies?.[name] && !docs.dependencies?.[name]) {
    docs.devDependencies = Object.fromEntries(Object.entries({ ...docs.devDependencies, [name]: 'workspace:*' }).sort(([a], [b]) => a.localeCompare(b)));
    writeJson('apps/docs/package.json', docs);
    written.push('apps/docs/package.json (devDependency)');
  }
}

if (!isPrivate) {
  const changeset = join(root, '.changeset', `${name.replace(/^@[^/]+\//, '')}-initial.md`);
  if (!existsSync(changeset)) {
    writeFileSync(changeset, `---\n"${name}": minor\n---\n\nFirst release of \`${name}\`: ${description || 'a new package'}.\n`);
    written.push(`.changeset/${name.replace(/^@[^/]+\//, '')}-initial.md`);
  }
}

console.log(`scaffolded ${name} in ${dir}:\n  ${written.join('\n  ')}\nnext: pnpm install   (links the workspace dependencies)`);
