// A backend with single-step cell kernels only (fusedSequence: false, and cellForward/cellBackward
// that refuse T > 1) passes the whole conformance suite, kernels and @recur/core models alike,
// through the host-side composition (composeSequence). If the composition were skipped anywhere,
// the refusal below would fail that test.
import { CapabilityError, normalizeCapabilities, type Backend } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { describeBackendConformance } from './index.js';

/** The CPU backend, cut down to T = 1 cell kernels and declaring no fused sequence. */
function stepOnlyCpu(): Backend {
  const cpu = createCpuBackend();
  const capabilities = normalizeCapabilities({ ...cpu.capabilities, fusedSequence: false });
  const refuse = (T: number) => {
    if (T > 1) throw new CapabilityError('cpu-step-only', `sequences of T = ${T}`, 'this test backend has T = 1 cell kernels only');
  };
  return new Proxy(cpu, {
    get(target, key) {
      if (key === 'capabilities') return capabilities;
      if (key === 'name') return 'cpu-step-only';
      if (key === 'cellForward') return (p: Parameters<Backend['cellForward']>[0]) => (refuse(p.T), target.cellForward(p));
      if (key === 'cellBackward') return (p: Parameters<Backend['cellBackward']>[0]) => (refuse(p.T), target.cellBackward(p));
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describeBackendConformance({ name: 'cpu-step-only', create: () => stepOnlyCpu() });
