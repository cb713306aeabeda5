/**
 * A deliberately broken backend for the suite's own tests: it wraps the CPU backend and hands out
 * the CPU backend's tensors unchanged, so `tensor.backendId` is the inner backend's id ("cpu#…")
 * while `backend.id` is "echo#…". Every kernel gives correct numbers; only ownership is wrong.
 */
import { createCpuBackend } from '@recur/backend-cpu';
import type { Backend } from '@recur/backend';

let instances = 0;

export function createEchoBackend(): Backend {
  const inner = createCpuBackend();
  const id = `echo#${++instances}`;
  return new Proxy(inner, {
    get(target, key, receiver) {
      if (key === 'id') return id;
      if (key === 'name') return 'echo';
      return Reflect.get(target, key, receiver);
    },
  });
}
