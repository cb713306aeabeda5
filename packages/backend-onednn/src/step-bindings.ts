/**
 * Which buffers the addon holds bound for streaming steps (native/addon.cc: StepBinding).
 *
 * Streaming steps call the addon with the same twelve buffers again and again, and unwrapping twelve
 * typed arrays in Node-API cost about as much as the step's gate math (about 0.5 µs of a 3 µs
 * kernel call at W4's shape). So a call binds its buffers in the addon, which holds a reference to
 * each (none is collected while bound), and a later call with the very same arrays passes only the
 * shape (`cellForwardBound`; the addon checks the sizes against it again). There are two slots,
 * because a stream double-buffers its state and so alternates between two sets of buffers; a new set
 * replaces the slot used less recently.
 *
 * The same array always means the same memory: a tensor's array is its own or, after a dispose, a
 * pooled one handed to the next tensor of that size, and this backend's arrays are never detached.
 */

/** A step's buffers in the addon's order: x, wIh, wHh, bIh, bHh, h0, c0, y, hN, cN, packIh, packHh. */
export type StepBuffers = readonly (Float32Array | null)[];

export class StepBindings {
  private readonly slots: StepBuffers[] = [[], []];
  private recent = 0;
  /** Calls that found their buffers bound (for tests: `OnednnBackend.boundSteps()`). */
  hits = 0;

  /** The slot that holds exactly these buffers, or -1 (positional: this runs on every step). */
  find(
    x: Float32Array, wIh: Float32Array, wHh: Float32Array, bIh: Float32Array | null, bHh: Float32Array | null, h0: Float32Array | null,
    c0: Float32Array | null, y: Float32Array, hN: Float32Array, cN: Float32Array | null, packIh: Float32Array, packHh: Float32Array,
  ): number {
    for (let s = 0; s < 2; s++) {
      const b = this.slots[s]!;
      if (b.length === 12 && b[0] === x && b[1] === wIh && b[2] === wHh && b[3] === bIh && b[4] === bHh && b[5] === h0 &&
        b[6] === c0 && b[7] === y && b[8] === hN && b[9] === cN && b[10] === packIh && b[11] === packHh) {
        this.recent = s;
        this.hits++;
        return s;
      }
    }
    return -1;
  }

  /** The slot a new set of buffers goes into: the one used less recently. */
  spare(): number {
    return 1 - this.recent;
  }

  /** Record that `slot` now holds `buffers` (after the addon bound them). */
  record(slot: number, buffers: StepBuffers): void {
    this.slots[slot] = buffers;
    this.recent = slot;
  }

  /** Forget every binding (the addon released them: destroy). */
  clear(): void {
    this.slots[0] = [];
    this.slots[1] = [];
  }
}
