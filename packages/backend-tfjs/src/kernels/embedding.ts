/** Row gather (embedding lookup) and its backward, scatter-add, from tfjs ops. */
import { checkDim, checkExact, checkTensor, InvalidArgumentError, ShapeError, type GatherParams, type ScatterAddParams, type Tensor } from '@recur/backend';
import { update, type TfjsContext } from '../context.js';
import { valueOf } from '../handle-store.js';

/** Rows of a [rows, dim] table, after checking the sizes agree. */
function tableRows(table: Tensor, dim: number, what: string): number {
  const rows = table.size / dim;
  if (!Number.isInteger(rows) || rows < 1) {
    throw new ShapeError(what, `[rows, ${dim}] (a multiple of dim=${dim} elements)`, `${table.size} elements`);
  }
  return rows;
}

function checkIndices(indices: Int32Array, rows: number, what: string): void {
  if (!(indices instanceof Int32Array)) throw new InvalidArgumentError(what, 'must be an Int32Array of row indices.');
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r] as number;
    if (i < 0 || i >= rows) throw new InvalidArgumentError(what, `indices[${r}] = ${i} is outside [0, ${rows}).`);
  }
}

/** `out[r, :] = table[indices[r], :]`. */
export function gather(ctx: TfjsContext, p: GatherParams): void {
  checkDim('gather.dim', p.dim);
  checkTensor(ctx.backend, p.table, 'gather.table');
  const rows = tableRows(p.table, p.dim, 'gather.table');
  checkIndices(p.indices, rows, 'gather.indices');
  const n = p.indices.length;
  checkExact(ctx.backend, p.out, 'gather.out', n * p.dim, [n, p.dim]);
  if (n === 0) return;
  const { tf } = ctx;
  update(ctx, p.out, 'gather.out', () =>
    tf.gather(tf.reshape(valueOf(p.table, 'gather.table'), [rows, p.dim]), tf.tensor1d(p.indices, 'int32')),
  );
}

/** `dTable[indices[r], :] += grad[r, :]` (repeated indices add up). */
export function scatterAdd(ctx: TfjsContext, p: ScatterAddParams): void {
  checkDim('scatterAdd.dim', p.dim);
  checkTensor(ctx.backend, p.dTable, 'scatterAdd.dTable');
  const rows = tableRows(p.dTable, p.dim, 'scatterAdd.dTable');
  checkIndices(p.indices, rows, 'scatterAdd.indices');
  const n = p.indices.length;
  checkExact(ctx.backend, p.grad, 'scatterAdd.grad', n * p.dim, [n, p.dim]);
  if (n === 0) return;
  const { tf } = ctx;
  update(ctx, p.dTable, 'scatterAdd.dTable', () => {
    const idx = tf.tensor2d(p.indices, [n, 1], 'int32');
    const added = tf.scatterND(idx, tf.reshape(valueOf(p.grad, 'scatterAdd.grad'), [n, p.dim]), [rows, p.dim]);
    return tf.add(tf.reshape(valueOf(p.dTable, 'scatterAdd.dTable'), [rows, p.dim]), added);
  });
}
