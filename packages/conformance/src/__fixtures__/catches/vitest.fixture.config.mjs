// The root vitest config (workspace aliases to the sources), restricted to the fixture suites here.
import { defineConfig } from 'vitest/config';
import rootConfig from '../../../../../vitest.config.ts';

export default defineConfig({
  ...rootConfig,
  root: new URL('../../../../../', import.meta.url).pathname,
  test: { ...rootConfig.test, include: ['packages/conformance/src/__fixtures__/catches/*.fixture.ts'], exclude: ['**/node_modules/**'] },
});
