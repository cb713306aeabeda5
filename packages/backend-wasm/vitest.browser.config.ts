// Browser checks (`pnpm --filter @recur/backend-wasm test:browser`): the root config excludes
// *.browser.test.ts because they need Chromium (/usr/bin/chromium) and a build of this package.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.browser.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
