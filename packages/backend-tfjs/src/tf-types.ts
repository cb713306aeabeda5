/**
 * The TensorFlow.js types this package uses. Only types are imported here: `@tensorflow/tfjs-core`
 * is an (optional) peer dependency that is loaded at run time by {@link loadTfjs}, so importing
 * `@recur/backend-tfjs` never loads TensorFlow.js by itself.
 */
import type * as tfc from '@tensorflow/tfjs-core';

/** The `@tensorflow/tfjs-core` module namespace (or anything with the same API, e.g. `@tensorflow/tfjs`). */
export type Tfjs = typeof tfc;

/** A TensorFlow.js tensor. */
export type TfTensor = tfc.Tensor;

/** A 1-D TensorFlow.js tensor (every recur buffer is stored flat). */
export type TfTensor1D = tfc.Tensor1D;

/** A 2-D TensorFlow.js tensor. */
export type TfTensor2D = tfc.Tensor2D;
