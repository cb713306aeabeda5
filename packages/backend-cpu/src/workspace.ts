/**
 * Per-backend scratch memory, reused across kernel calls so the hot paths allocate nothing after
 * warm-up. Scratch is never handed out as a tensor, so it does not count in `memory()`.
 */
import { GemmWorkspace } from './gemm.js';
import type { CpuArray, CpuArrayCtor } from './tensor-store.js';

/** Named, growable scratch buffers of the backend's storage type. */
export class Workspace {
  readonly gemm = new GemmWorkspace();
  private readonly buffers = new Map<string, CpuArray>();
  private readonly f64 = new Map<string, Float64Array>();

  constructor(readonly ctor: CpuArrayCtor) {}

  /** A buffer of at least `size` elements under `name` (contents unspecified). */
  get(name: string, size: number): CpuArray {
    let buf = this.buffers.get(name);
    if (buf === undefined || buf.length < size) {
      buf = new this.ctor(size);
      this.buffers.set(name, buf);
    }
    return buf;
  }

  /** A Float64Array of at least `size` elements under `name` (packed GEMM operands). */
  getF64(name: string, size: number): Float64Array {
    let buf = this.f64.get(name);
    if (buf === undefined || buf.length < size) {
      buf = new Float64Array(size);
      this.f64.set(name, buf);
    }
    return buf;
  }

  /** Drop every buffer (used by `destroy`). */
  clear(): void {
    this.buffers.clear();
    this.f64.clear();
    this.gemm.packA = new Float64Array(0);
    this.gemm.packB = new Float64Array(0);
  }
}
