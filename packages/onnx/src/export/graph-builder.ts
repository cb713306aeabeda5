/** A small builder for an ONNX GraphProto: nodes with unique names, initializers, inputs and outputs. */
import { AttrType, type AttributeProto, type DimProto, type GraphProto, type NodeProto, type TensorProto, type ValueInfoProto } from '../proto/onnx-codec.js';
import { floatTensor, int64Tensor } from '../tensor-proto.js';

/** An attribute value: int, float, string, or lists of ints / floats / strings. */
export type AttrValue = number | string | readonly number[] | readonly string[] | { readonly float: number };

const utf8 = new TextEncoder();

function attribute(name: string, value: AttrValue): AttributeProto {
  if (typeof value === 'number') return { name, type: AttrType.INT, i: value };
  if (typeof value === 'string') return { name, type: AttrType.STRING, s: utf8.encode(value) };
  if (!Array.isArray(value)) return { name, type: AttrType.FLOAT, f: (value as { float: number }).float };
  if (value.length > 0 && typeof value[0] === 'string') return { name, type: AttrType.STRINGS, strings: (value as string[]).map((s) => utf8.encode(s)) };
  return { name, type: AttrType.INTS, ints: [...(value as number[])] };
}

/** A dimension: a fixed size or a symbolic name such as `B` or `T`. */
export type Dim = number | string;

export function valueInfo(name: string, elemType: number, dims: readonly Dim[]): ValueInfoProto {
  const dim: DimProto[] = dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: elemType, shape: { dim } } } };
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  private readonly counts = new Map<string, number>();
  private readonly int64Constants = new Map<string, string>();

  /** Adds a node; returns its output names (`outputs` fixed names, or fresh `<name>_out<k>`). */
  node(op: string, inputs: readonly string[], options: { name?: string; outputs?: readonly string[] | number; attrs?: Record<string, AttrValue> } = {}): string[] {
    const n = this.counts.get(op) ?? 0;
    this.counts.set(op, n + 1);
    const name = options.name ?? `${op}_${n}`;
    const outputs = Array.isArray(options.outputs)
      ? [...options.outputs]
      : Array.from({ length: (options.outputs as number | undefined) ?? 1 }, (_, k) => `${name}_out${k}`);
    const attrs = Object.entries(options.attrs ?? {}).map(([k, v]) => attribute(k, v));
    this.nodes.push({ name, op_type: op, input: [...inputs], output: outputs, attribute: attrs });
    return outputs;
  }

  /** Adds a float32 initializer; returns its name. */
  floats(name: string, dims: readonly number[], data: Float32Array): string {
    this.initializers.push(floatTensor(name, dims, data));
    return name;
  }

  /** A shared int64 1-D constant initializer (shapes, axes); returns its name. */
  int64s(values: readonly number[]): string {
    const key = values.join(',');
    let name = this.int64Constants.get(key);
    if (!name) {
      name = `const_i64_${this.int64Constants.size}`;
      this.int64Constants.set(key, name);
      this.initializers.push(int64Tensor(name, [values.length], values));
    }
    return name;
  }

  build(name: string, docString: string): GraphProto {
    return { name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs, doc_string: docString };
  }
}
