#!/usr/bin/env node
// Scaffolds a workspace package with the shape DESIGN.md §7 asks for:
//   node scripts/new-package.mjs packages/backend-foo @recur/backend-foo "One-line description" [--private]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, name, description = '', ...flags] = process.argv.slice(2);
if (!dir || !name) {
  console.error('usage: node scripts/new-package.mjs DIR NAME "description" [--private]');
  process.exit(1);
}
const isPrivate = flags.includes('--private');
mkdirSync(join(dir, 'src'), { recursive: true });
const depth = dir.split('/').filter(Boolean).length;
const up = Array(depth).fill('..').join('/');
const pkg = {
  name,
  version: '0.1.0',
  description,
  ...(isPrivate ? { private: true } : {}),
  license: 'MIT',
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
  dependencies: {},
  devDependencies: {},
};
const write = (file, text) => {
  if (!existsSync(join(dir, file))) writeFileSync(join(dir, file), text);
};
write('package.json', JSON.stringify(pkg, null, 2) + '\n');
write(
  'tsconfig.json',
  JSON.stringify({ extends: `${up}/tsconfig.base.json`, compilerOptions: { outDir: 'dist' }, include: ['src'] }, null, 2) + '\n',
);
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
write('README.md', `# ${name}\n\n${description}\n`);
write('src/index.ts', `/**\n * ${name}: ${description}\n *\n * @packageDocumentation\n */\nexport {};\n`);
console.log(`scaffolded ${name} in ${dir}`);
