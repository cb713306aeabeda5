/**
 * Vectorised transcendental functions on f32x4 lanes.
 *
 * exp follows Cephes' expf: x = n·ln2 + r with n = round(x·log2 e) and |r| ≤ ½ln2, e^r from a
 * degree-7 polynomial (1 + r + r²·P(r)), then 2^n is built in the exponent bits. Accurate to
 * about 1 ulp over the clamped range [−87.3, 88.3], which keeps every result finite and normal
 * (no Inf/NaN when a gate saturates).
 *
 * The constants live in a static table of splatted f32x4 values and are read with one v128.load
 * each: V8 materialises every `v128.const` with three instructions at each use inside a loop, a
 * load from L1 is one.
 */

// Byte offsets into CONSTS (each entry is one constant splatted to 4 lanes).
const C_EXP_HI = 0; // 88.3
const C_EXP_LO = 16; // −87.3
const C_LOG2E = 32;
const C_MAGIC = 48; // 1.5·2^23: adding it rounds to an integer held in the low mantissa bits
const C_LN2_HI = 64;
const C_LN2_LO = 80;
const C_P0 = 96; // polynomial, highest degree first
const C_P1 = 112;
const C_P2 = 128;
const C_P3 = 144;
const C_P4 = 160;
const C_P5 = 176;
const C_ONE = 192;
const C_TWO = 208;
const C_T0 = 224; // tanh odd polynomial for |x| < 0.625, highest degree first
const C_T1 = 240;
const C_T2 = 256;
const C_T3 = 272;
const C_T4 = 288;
const C_TANH_SMALL = 304; // 0.625

// prettier-ignore
const CONSTS = memory.data<f32>([
  88.3, 88.3, 88.3, 88.3,
  -87.3, -87.3, -87.3, -87.3,
  1.44269504088896341, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341,
  12582912.0, 12582912.0, 12582912.0, 12582912.0,
  0.693359375, 0.693359375, 0.693359375, 0.693359375,
  -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4,
  1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4,
  1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3,
  8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3,
  4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2,
  1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1,
  5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1,
  1.0, 1.0, 1.0, 1.0,
  2.0, 2.0, 2.0, 2.0,
  -5.70498872745e-3, -5.70498872745e-3, -5.70498872745e-3, -5.70498872745e-3,
  2.06390887954e-2, 2.06390887954e-2, 2.06390887954e-2, 2.06390887954e-2,
  -5.37397155531e-2, -5.37397155531e-2, -5.37397155531e-2, -5.37397155531e-2,
  1.33314422036e-1, 1.33314422036e-1, 1.33314422036e-1, 1.33314422036e-1,
  -3.33332819422e-1, -3.33332819422e-1, -3.33332819422e-1, -3.33332819422e-1,
  0.625, 0.625, 0.625, 0.625,
], 16);

// integer constants: 127 (the f32 exponent bias) and the sign bit
// prettier-ignore
const CONSTS_I = memory.data<i32>([
  127, 127, 127, 127,
  0x80000000, 0x80000000, 0x80000000, 0x80000000,
], 16);
const C_BIAS127 = 0;
const C_SIGN = 16;

// @ts-ignore: decorator
@inline
function KI(offset: usize): v128 {
  return v128.load(CONSTS_I + offset);
}

// @ts-ignore: decorator
@inline
function K(offset: usize): v128 {
  return v128.load(CONSTS + offset);
}

/** e^x, lane-wise. */
// @ts-ignore: decorator
@inline
export function expV(x: v128): v128 {
  // pmin/pmax are single instructions and keep a NaN x as NaN
  x = f32x4.pmax(f32x4.pmin(x, K(C_EXP_HI)), K(C_EXP_LO));
  const t = f32x4.add(f32x4.mul(x, K(C_LOG2E)), K(C_MAGIC));
  const fx = f32x4.sub(t, K(C_MAGIC)); // round(x·log2e)
  let r = f32x4.sub(x, f32x4.mul(fx, K(C_LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(fx, K(C_LN2_LO)));
  const z = f32x4.mul(r, r);
  let y = K(C_P0);
  y = f32x4.add(f32x4.mul(y, r), K(C_P1));
  y = f32x4.add(f32x4.mul(y, r), K(C_P2));
  y = f32x4.add(f32x4.mul(y, r), K(C_P3));
  y = f32x4.add(f32x4.mul(y, r), K(C_P4));
  y = f32x4.add(f32x4.mul(y, r), K(C_P5));
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), r), K(C_ONE));
  // 2^n = (n + 127) << 23; the bits of t are 0x4B400000 + n, whose high part shifts out.
  const pow2 = i32x4.shl(i32x4.add(t, KI(C_BIAS127)), 23);
  return f32x4.mul(y, pow2);
}

/** σ(x) = 1 / (1 + e^(−x)), lane-wise; in (0, 1] and finite for every finite x. */
// @ts-ignore: decorator
@inline
export function sigmoidV(x: v128): v128 {
  const one = K(C_ONE);
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
  let p = K(C_T0);
  p = f32x4.add(f32x4.mul(p, z), K(C_T1));
  p = f32x4.add(f32x4.mul(p, z), K(C_T2));
  p = f32x4.add(f32x4.mul(p, z), K(C_T3));
  p = f32x4.add(f32x4.mul(p, z), K(C_T4));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const one = K(C_ONE);
  const e = expV(f32x4.add(ax, ax));
  const big = f32x4.sub(one, f32x4.div(K(C_TWO), f32x4.add(e, one)));
  // copy the sign of x onto the large-|x| branch
  const bigSigned = v128.or(big, v128.and(x, KI(C_SIGN)));
  return v128.bitselect(small, bigSigned, f32x4.lt(ax, K(C_TANH_SMALL)));
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
