/**
 * Row gather (embedding lookup) and its backward, scatter-add, from tfjs ops. Arguments (dim,
 * table size a multiple of dim, indices in range, output sizes) are checked by `checked`, which
 * also answers an empty index list without calling these kernels.
 */
import type { GatherParams, ScatterAddParams } from '@recur/backend';
import { update, type TfjsContext } from '../context.js';
import { valueOf } from '../handle-store.js';

/** `out[r, :] = table[indices[r], :]`. */
export function gather(ctx: TfjsContext, p: GatherParams): void {
  const rows = p.table.size / p.dim;
  const { tf } = ctx;
  update(ctx, p.out, 'gather.out', () =>
    tf.gather(tf.reshape(valueOf(p.table, 'gather.table'), [rows, p.dim]), tf.tensor1d(p.indices, 'int32')),
  );
}

/** `dTable[indices[r], :] += grad[r, :]` (repeated indices add up). */
export function scatterAdd(ctx: TfjsContext, p: ScatterAddParams): void {
  const rows = p.dTable.size / p.dim;
  const n = p.indices.length;
  const { tf } = ctx;
  update(ctx, p.dTable, 'scatterAdd.dTable', () => {
    const idx = tf.tensor2d(p.indices, [n, 1], 'int32');
    const added = tf.scatterND(idx, tf.reshape(valueOf(p.grad, 'scatterAdd.grad'), [n, p.dim]), [rows, p.dim]);
    return tf.add(tf.reshape(valueOf(p.dTable, 'scatterAdd.dTable'), [rows, p.dim]), added);
  });
}
