// Run only by catches-foreign-tensors.test.ts, through vitest.fixture.config.ts: the conformance
// suite on a backend whose tensors carry another backend's id. Its ownership tests must fail.
import { describeBackendConformance } from '../../index.js';
import { createEchoBackend } from './echo-backend.js';

describeBackendConformance({ name: 'echo', create: () => createEchoBackend() });
