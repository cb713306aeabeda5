/**
 * Walks an ONNX graph in order, computing an abstract value for every tensor the outputs depend on
 * (see values.ts): constant glue is folded (const-ops.ts), layout and head operators on runtime
 * tensors are tracked (runtime-ops.ts), and every LSTM / GRU / RNN node becomes a layer record
 * (rnn-node.ts). Everything it cannot map is collected, not thrown one at a time.
 */
import { ModelFormatError } from '@recur/core';
import type { UnsupportedFeature } from '../errors.js';
import type { GraphProto, NodeProto } from '../proto/onnx-codec.js';
import { readTensor } from '../tensor-proto.js';
import { foldNode } from './const-ops.js';
import { nodeName } from './node-attrs.js';
import { NodeRefusal, refuse } from './refusal.js';
import { interpretRnn, type LayerRecord } from './rnn-node.js';
import {
  activationRuntime,
  addRuntime,
  concatRuntime,
  gatherRuntime,
  gemmRuntime,
  matmulRuntime,
  reshapeRuntime,
  sliceRuntime,
  squeezeRuntime,
  transposeRuntime,
  unsqueezeRuntime,
} from './runtime-ops.js';
import { POISON, normalise, type Atom, type RuntimeValue, type Value } from './values.js';

/** What the interpreter found. */
export interface InterpretedGraph {
  readonly layers: LayerRecord[];
  /** Value of each graph output, in order. */
  readonly outputs: { name: string; value: Value }[];
  /** Non-initializer graph inputs: name and element type. */
  readonly inputs: { name: string; elemType: number }[];
  readonly problems: UnsupportedFeature[];
}

const RNN_OPS = new Set(['LSTM', 'GRU', 'RNN']);

/** Nodes needed to compute the graph outputs. */
function neededNodes(graph: GraphProto): Set<NodeProto> {
  const producer = new Map<string, NodeProto>();
  for (const n of graph.node ?? []) for (const o of n.output ?? []) if (o) producer.set(o, n);
  const needed = new Set<NodeProto>();
  const stack = (graph.output ?? []).map((o) => o.name ?? '');
  while (stack.length > 0) {
    const n = producer.get(stack.pop()!);
    if (!n || needed.has(n)) continue;
    needed.add(n);
    for (const i of n.input ?? []) if (i) stack.push(i);
  }
  return needed;
}

function runtimeOp(node: NodeProto, ins: (Value | undefined)[]): Value[] {
  const op = node.op_type ?? '';
  const x = ins[0];
  const rt = (v: Value | undefined, what = 'input'): RuntimeValue => (v?.kind === 'runtime' ? v : refuse(`${op} ${what} mixes run-time and constant tensors in a way recur models do not`));
  switch (op) {
    case 'Identity':
    case 'Dropout':
      return [rt(x)];
    case 'Transpose':
      return [transposeRuntime(node, rt(x))];
    case 'Reshape':
      return [reshapeRuntime(node, rt(x), ins[1])];
    case 'Squeeze':
      return [squeezeRuntime(node, rt(x), ins)];
    case 'Unsqueeze':
      return [unsqueezeRuntime(node, rt(x), ins)];
    case 'Gather':
      if (x?.kind === 'const' && ins[1]?.kind === 'runtime') return [embedding(node, x, ins[1])];
      return [gatherRuntime(node, rt(x), ins[1])];
    case 'Slice':
      return [sliceRuntime(node, rt(x), ins)];
    case 'Concat':
      return [concatRuntime(node, ins.map((v) => rt(v, 'operand')))];
    case 'MatMul':
      return [matmulRuntime(rt(x), ins[1])];
    case 'Gemm':
      return [gemmRuntime(node, rt(x), ins[1], ins[2])];
    case 'Add':
      if (x?.kind === 'runtime' && ins[1]?.kind !== 'runtime') return [addRuntime(x, ins[1]!)];
      if (ins[1]?.kind === 'runtime' && x?.kind !== 'runtime') return [addRuntime(ins[1], x!)];
      return refuse('Add of two run-time tensors (residual connections are not part of recur models)');
    case 'Tanh':
    case 'Sigmoid':
    case 'Relu':
      return [activationRuntime(op, rt(x))];
    case 'Cast':
      return [rt(x)];
    default:
      return refuse(`operator ${op} on run-time tensors; recur models are embedding → LSTM/GRU/RNN layers → dense head → activation`);
  }
}

/** Gather(embedding table, token ids): an embedding lookup. */
function embedding(node: NodeProto, table: Value, ids: RuntimeValue): RuntimeValue {
  if (table.kind !== 'const' || table.dtype !== 'float' || table.dims.length !== 2) return refuse('Gather of run-time indices from a table that is not a 2-D float constant');
  if (ids.head || ids.steps !== 'all' || ids.input === null) refuse('Gather of indices that are not the token-id input');
  if ((node.attribute ?? []).some((a) => a.name === 'axis' && Number(a.i ?? 0) !== 0)) refuse('Gather along an axis other than 0', 'axis');
  const [V, E] = table.dims as [number, number];
  const atom: Atom = { kind: 'embedding', size: E };
  return normalise({ axes: [...ids.axes, [atom]], floating: [], steps: 'all', time: null, input: null, head: null, embedding: { weight: Float32Array.from(table.data), V, E } } as Omit<RuntimeValue, 'kind'>);
}

export function interpretGraph(graph: GraphProto): InterpretedGraph {
  const values = new Map<string, Value>();
  const problems: UnsupportedFeature[] = [];
  for (const t of graph.initializer ?? []) {
    const h = readTensor(t, `initializer '${t.name}'`);
    values.set(t.name ?? '', { kind: 'const', dims: h.dims, dtype: h.dtype, data: h.data });
  }
  const inputs: { name: string; elemType: number }[] = [];
  for (const vi of graph.input ?? []) {
    const name = vi.name ?? '';
    if (values.has(name)) continue;
    const tt = vi.type?.tensor_type;
    if (!tt?.shape?.dim) throw new ModelFormatError(`graph input '${name}' has no tensor shape; recur needs the rank of every input.`);
    const axes: Atom[][] = tt.shape.dim.map((d, k) => [{ kind: 'axis', id: `${name}#${k}`, size: d.dim_param || `${name}#${k}`, fixed: d.dim_value ? Number(d.dim_value) : null }]);
    values.set(name, { kind: 'runtime', axes, floating: [], steps: 'all', time: null, input: name, head: null });
    inputs.push({ name, elemType: tt.elem_type ?? 0 });
  }
  const needed = neededNodes(graph);
  const layers: LayerRecord[] = [];
  for (const node of graph.node ?? []) {
    if (!needed.has(node)) continue;
    const name = nodeName(node);
    const op = node.op_type ?? '';
    const ins = (node.input ?? []).map((i) => {
      if (!i) return undefined;
      const v = values.get(i);
      if (!v) throw new ModelFormatError(`node '${name}' (${op}) reads '${i}', which no earlier node, input or initializer defines: the graph is malformed or not topologically sorted.`);
      return v;
    });
    let outs: Value[];
    if (ins.some((v) => v?.kind === 'poison')) {
      outs = [];
    } else {
      try {
        if (node.domain && node.domain !== 'ai.onnx') refuse(`operator ${node.domain}::${op} from a custom domain`);
        if ((node.attribute ?? []).some((a) => a.g || (a.graphs?.length ?? 0) > 0)) {
          refuse(`${op} with a subgraph (loops and conditionals); export the recurrence as a single LSTM/GRU/RNN operator`);
        }
        if (RNN_OPS.has(op)) {
          const r = interpretRnn(node, ins, (k) => layers.find((l) => l.index === k)?.D, layers.find((l) => l.index === 0));
          if (layers.some((l) => l.index === r.layer.index)) refuse(`two recurrent nodes read the output of the same layer (branching graphs are not recur models)`, 'X');
          layers.push(r.layer);
          for (const item of r.issues) problems.push({ node: name, op, ...item });
          outs = r.outputs;
        } else if (ins.some((v) => v?.kind === 'runtime') && op !== 'Shape') {
          outs = runtimeOp(node, ins);
        } else {
          outs = foldNode(node, ins) ?? refuse(`operator ${op} (not one of the shape and layout operators recur folds at import)`);
        }
      } catch (e) {
        if (!(e instanceof NodeRefusal)) throw e;
        for (const item of e.items) problems.push({ node: name, op, ...item });
        outs = [];
      }
    }
    (node.output ?? []).forEach((o, i) => {
      if (o) values.set(o, outs[i] ?? POISON);
    });
  }
  const outputs = (graph.output ?? []).map((o) => ({ name: o.name ?? '', value: values.get(o.name ?? '') ?? POISON }));
  return { layers, outputs, inputs, problems };
}
