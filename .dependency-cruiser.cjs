/**
 * Architecture rules checked in CI (`.ci/run`, step "architecture"): no import cycle anywhere
 * (type-only imports included), and no package importing one above it in the layering of
 * docs/design.md §2:  backend ← backend-*  and  core ← data, eval ← apps; native (what the Node-API
 * backends share) sits beside backend, below the backends.
 * Test files may use test helpers from higher layers (a backend's conformance test imports
 * @recur/conformance), so the layering rules skip them; the cycle rule does not.
 */
const TESTS = '\\.(test|test-util|e2e\\.test|fuzz\\.test|bench)\\.ts$|/e2e/|/fuzz/|\\.page\\.ts$';

/** `from` may not import any of `to` (outside tests). */
const above = (name, from, to, comment) => ({
  name,
  severity: 'error',
  comment,
  from: { path: from, pathNot: TESTS },
  to: { path: to },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle (type-only imports count). Move the shared piece into its own module.',
      from: {},
      to: { circular: true },
    },
    above(
      'backend-is-the-bottom',
      '^packages/backend/',
      '^(packages/(backend-[^/]+|core|data|datasets|eval|onnx|conformance|native)|apps|examples|bench)/',
      '@recur/backend is the contract: it imports no other recur package.',
    ),
    above(
      'native-is-a-bottom-layer',
      '^packages/native/',
      '^(packages/(backend-[^/]+|core|data|datasets|eval|onnx|conformance)|apps|examples|bench)/',
      '@recur/native (what the Node-API backends share) imports only @recur/backend.',
    ),
    above(
      'backends-import-only-the-contract',
      '^packages/backend-[^/]+/',
      '^(packages/(core|data|datasets|eval|onnx|conformance)|apps|examples|bench)/',
      'A backend imports only @recur/backend (docs/design.md §2), and a Node-API backend @recur/native.',
    ),
    {
      name: 'backends-do-not-import-each-other',
      severity: 'error',
      comment: 'A backend imports only @recur/backend, never another backend.',
      from: { path: '^packages/(backend-[^/]+)/', pathNot: TESTS },
      to: { path: '^packages/backend-[^/]+/', pathNot: '^packages/$1/' },
    },
    above(
      'core-imports-no-concrete-backend',
      '^packages/core/',
      '^(packages/(backend-[^/]+|data|datasets|eval|onnx|conformance)|apps|examples|bench)/',
      'core gets a backend from the registry or as an argument; it never imports a concrete one, nor data/eval above it.',
    ),
    above(
      'data-below-eval-and-apps',
      '^packages/(data|datasets)/',
      '^(packages/(backend-[^/]+|core|eval|conformance)|apps|examples|bench)/',
      'data works on plain arrays: it may use @recur/backend (errors, file helpers), not core, eval or the apps.',
    ),
    above(
      'packages-below-apps',
      '^packages/',
      '^(apps|examples|bench)/',
      'A package never imports an app, an example or the bench.',
    ),
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve (e.g. a recur package the importer does not depend on, which is also how a layering break shows when the package.json is right).',
      from: {},
      to: { couldNotResolve: true, pathNot: '^@webgpu/types$' }, // a types-only package (WebGPU's ambient declarations)
    },
    {
      name: 'cli-commands-do-not-import-each-other',
      severity: 'error',
      comment: 'CLI commands share code through their own modules (commands/context.ts, src/*.ts), never by importing another command.',
      from: { path: '^apps/cli/src/commands/', pathNot: '^apps/cli/src/commands/index\\.ts$' },
      to: { path: '^apps/cli/src/commands/', pathNot: '^apps/cli/src/commands/context\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules', '/dist/'] },
    exclude: { path: '\\.d\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'default'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
