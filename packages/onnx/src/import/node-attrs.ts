/** Reading a node's attributes by name, with ONNX defaults. */
import { ModelFormatError } from '@recur/core';
import type { AttributeProto, NodeProto } from '../proto/onnx-codec.js';
import { readTensor, type HostValue } from '../tensor-proto.js';

const utf8 = new TextDecoder();

/** A node's display name: its name, else its first output. */
export function nodeName(node: NodeProto): string {
  return node.name || node.output?.[0] || '(unnamed)';
}

export class NodeAttrs {
  private readonly byName = new Map<string, AttributeProto>();
  constructor(readonly node: NodeProto) {
    for (const a of node.attribute ?? []) if (a.name) this.byName.set(a.name, a);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  int(name: string, fallback: number): number {
    const a = this.byName.get(name);
    return a?.i !== undefined ? Number(a.i) : fallback;
  }

  float(name: string, fallback: number): number {
    return this.byName.get(name)?.f ?? fallback;
  }

  ints(name: string): number[] | null {
    const a = this.byName.get(name);
    return a ? (a.ints ?? []).map(Number) : null;
  }

  floats(name: string): number[] | null {
    const a = this.byName.get(name);
    return a ? (a.floats ?? []) : null;
  }

  string(name: string, fallback: string): string {
    const a = this.byName.get(name);
    return a?.s ? utf8.decode(a.s) : fallback;
  }

  strings(name: string): string[] | null {
    const a = this.byName.get(name);
    return a ? (a.strings ?? []).map((s) => utf8.decode(s)) : null;
  }

  tensor(name: string): HostValue | null {
    const a = this.byName.get(name);
    if (!a) return null;
    if (!a.t) throw new ModelFormatError(`node '${nodeName(this.node)}': attribute ${name} holds no tensor.`);
    return readTensor(a.t, `node '${nodeName(this.node)}' attribute ${name}`);
  }
}
