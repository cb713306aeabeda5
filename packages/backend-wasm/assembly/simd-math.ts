/**
 * Vectorised transcendental functions on f32x4 lanes.
 *
 * exp follows Cephes' expf: x = n·ln2 + r with n = round(x·log2 e) and |r| ≤ ½ln2, e^r from a
 * degree-6 polynomial, then 2^n is built in the exponent bits. Accurate to about 1 ulp over the
 * clamped range [−87.3, 88.3], which keeps every result finite and normal (no Inf/NaN when a
 * gate saturates).
 */

const EXP_HI: f32 = 88.3;
const EXP_LO: f32 = -87.3;
const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const ROUND_MAGIC: f32 = 12582912.0; // 1.5·2^23

/** e^x, lane-wise. */
// @ts-ignore: decorator
@inline
export function expV(x: v128): v128 {
  // pmin/pmax are single instructions and keep a NaN x as NaN
  x = f32x4.pmax(f32x4.pmin(x, f32x4.splat(EXP_HI)), f32x4.splat(EXP_LO));
  // Adding 1.5·2^23 rounds x·log2e to the nearest integer n and leaves n in the low mantissa bits.
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(ROUND_MAGIC));
  const fx = f32x4.sub(t, f32x4.splat(ROUND_MAGIC));
  let r = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(fx, f32x4.splat(LN2_LO)));
  const z = f32x4.mul(r, r);
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), r), f32x4.splat(1.0));
  // 2^n = (n + 127) << 23; the bits of t are 0x4B400000 + n, whose high part shifts out.
  const pow2 = i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2);
}

/** σ(x) = 1 / (1 + e^(−x)), lane-wise; in (0, 1] and finite for every finite x. */
// @ts-ignore: decorator
@inline
export function sigmoidV(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, expV(f32x4.neg(x))));
}

/**
 * tanh(x), lane-wise. |x| < 0.625: odd polynomial (Cephes tanhf); otherwise
 * sign(x)·(1 − 2/(e^(2|x|) + 1)), which tends to ±1 without overflow.
 */
// @ts-ignore: decorator
@inline
export function tanhV(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const one = f32x4.splat(1.0);
  const e = expV(f32x4.add(ax, ax));
  const big = f32x4.sub(one, f32x4.div(f32x4.splat(2.0), f32x4.add(e, one)));
  // copy the sign of x onto the large-|x| branch
  const signMask = i32x4.splat(0x80000000);
  const bigSigned = v128.or(big, v128.and(x, signMask));
  return v128.bitselect(small, bigSigned, f32x4.lt(ax, f32x4.splat(0.625)));
}

/** Scalar versions (lane 0 of the vector code), for row tails shorter than 4. */
// @ts-ignore: decorator
@inline
export function expS(x: f32): f32 {
  return f32x4.extract_lane(expV(f32x4.splat(x)), 0);
}

// @ts-ignore: decorator
@inline
export function sigmoidS(x: f32): f32 {
  return f32x4.extract_lane(sigmoidV(f32x4.splat(x)), 0);
}

// @ts-ignore: decorator
@inline
export function tanhS(x: f32): f32 {
  return f32x4.extract_lane(tanhV(f32x4.splat(x)), 0);
}
