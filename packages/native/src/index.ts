/**
 * @recur/native: what recur's Node-API backends (`@recur/backend-onednn`, `@recur/backend-cuda`)
 * share. Node only.
 *
 * - At run time: {@link loadAddon} (or a package's {@link createAddonLoader}) loads a package's
 *   optional addon, or says why it cannot; {@link nativeCellShape} is a cell call's shape as the
 *   addons take it; {@link nativeElementwiseKernels} are the elementwise, reduction and pointwise
 *   kernels of a backend whose addon exports {@link NativeElementwiseAddon}.
 * - At build time: {@link AddonBuild} and its helpers are the common steps of each package's
 *   `scripts/build-addon.mjs` (record why a build was skipped, skip up-to-date builds, run the
 *   compiler, one line of output).
 */
export {
  addonPaths,
  createAddonLoader,
  loadAddon,
  recordedReason,
  type AddonLoad,
  type AddonLoader,
  type AddonLoaderOptions,
  type LoadAddonOptions,
} from './load-addon.js';
export { NATIVE_CELL_CODES, nativeCellShape, type NativeCellShape } from './cell-shape.js';
export {
  NATIVE_ACTIVATION_CODES,
  nativeElementwiseKernels,
  type NativeElementwiseAddon,
  type NativeKernelContext,
} from './elementwise-kernels.js';
export { AddonBuild, findNodeApiHeaders, which, type AddonBuildOptions, type BuildConfig } from './addon-build.js';
