/**
 * WGSL helpers shared by the kernels.
 *
 * - σ(x) = 1/(1+e^(−x)) for x ≥ 0 and e^x/(1+e^x) for x < 0: the exponent is never positive, so
 *   it cannot overflow and σ(±1e30) is exactly 1 or 0, never NaN.
 * - tanh clamps its argument to ±15 first (tanh(15) rounds to 1 in float32): some drivers return
 *   NaN for the builtin `tanh` of large arguments.
 * - relu keeps NaN (so non-finite values are still detected downstream).
 * - `flat_index` folds a 2-D grid of 1-D workgroups into one element index.
 */
export const WGSL_COMMON = /* wgsl */ `
fn sigm(x: f32) -> f32 {
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}
fn tanh_s(x: f32) -> f32 {
  return tanh(clamp(x, -15.0, 15.0));
}
fn relu_s(x: f32) -> f32 {
  return select(x, 0.0, x <= 0.0);
}
fn flat_index(gid: vec3<u32>, nwg: vec3<u32>, wg: u32) -> u32 {
  return gid.x + gid.y * nwg.x * wg;
}
`;
