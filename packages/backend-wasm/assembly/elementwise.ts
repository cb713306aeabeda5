/**
 * Elementwise, reduction, activation, softmax and copy kernels over f32 arrays in linear memory.
 * Every function takes byte offsets and element counts; vector bodies run 4 lanes at a time and a
 * scalar loop finishes the tail.
 */
import { expS, expV, sigmoidS, sigmoidV, tanhS, tanhV } from './simd-math';

export const ACT_IDENTITY: i32 = 0;
export const ACT_TANH: i32 = 1;
export const ACT_SIGMOID: i32 = 2;
export const ACT_RELU: i32 = 3;

/** t[:] = value */
export function fill(t: usize, n: i32, value: f32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(t + <usize>(i * 4), v);
  for (; i < n; i++) store<f32>(t + <usize>(i * 4), value);
}

/** y += alpha·x */
export function axpy(y: usize, x: usize, n: i32, alpha: f32): void {
  const a = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i * 4);
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(a, v128.load(x + o))));
  }
  for (; i < n; i++) {
    const o = <usize>(i * 4);
    store<f32>(y + o, load<f32>(y + o) + alpha * load<f32>(x + o));
  }
}

/** x *= alpha */
export function scale(x: usize, n: i32, alpha: f32): void {
  const a = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i * 4);
    v128.store(x + o, f32x4.mul(a, v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = <usize>(i * 4);
    store<f32>(x + o, alpha * load<f32>(x + o));
  }
}

/** out = a ⊙ b */
export function mul(out: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i * 4);
    v128.store(out + o, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>(i * 4);
    store<f32>(out + o, load<f32>(a + o) * load<f32>(b + o));
  }
}

/** x = clamp(x, −limit, limit); NaN stays NaN. */
export function clip(x: usize, n: i32, limit: f32): void {
  const hi = f32x4.splat(limit);
  const lo = f32x4.splat(-limit);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i * 4);
    const v = v128.load(x + o);
    // pmin/pmax keep the first operand (v) when it is NaN
    v128.store(x + o, f32x4.pmax(f32x4.pmin(v, hi), lo));
  }
  for (; i < n; i++) {
    const o = <usize>(i * 4);
    const v = load<f32>(x + o);
    store<f32>(x + o, v > limit ? limit : v < -limit ? -limit : v);
  }
}

/** Σ x² in f64 (blocks of f32x4 partial sums are flushed into an f64 total). NaN/Inf propagate. */
export function sumSquares(x: usize, n: i32): f64 {
  let total: f64 = 0;
  let i = 0;
  while (i + 4 <= n) {
    const end = min(n & ~3, i + 256);
    let acc = f32x4.splat(0);
    for (; i < end; i += 4) {
      const v = v128.load(x + <usize>(i * 4));
      acc = f32x4.add(acc, f32x4.mul(v, v));
    }
    total += <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
  }
  for (; i < n; i++) {
    const v = <f64>load<f32>(x + <usize>(i * 4));
    total += v * v;
  }
  return total;
}

/** out[c] (+)= Σ_r x[r, c], f64 accumulation in `acc` (cols f64). */
export function sumRows(x: usize, rows: i32, cols: i32, out: usize, accumulate: bool, acc: usize): void {
  memory.fill(acc, 0, <usize>(cols * 8));
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>(r * cols * 4);
    for (let j = 0; j < cols; j++) {
      const ap = acc + <usize>(j * 8);
      store<f64>(ap, load<f64>(ap) + <f64>load<f32>(row + <usize>(j * 4)));
    }
  }
  for (let j = 0; j < cols; j++) {
    const op = out + <usize>(j * 4);
    const s = load<f64>(acc + <usize>(j * 8));
    store<f32>(op, accumulate ? <f32>(<f64>load<f32>(op) + s) : <f32>s);
  }
}

/** out = act(x) */
export function activation(op: i32, x: usize, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i * 4);
    const v = v128.load(x + o);
    let r = v;
    if (op == ACT_TANH) r = tanhV(v);
    else if (op == ACT_SIGMOID) r = sigmoidV(v);
    else if (op == ACT_RELU) r = f32x4.max(v, zero);
    v128.store(out + o, r);
  }
  for (; i < n; i++) {
    const o = <usize>(i * 4);
    const v = load<f32>(x + o);
    let r = v;
    if (op == ACT_TANH) r = tanhS(v);
    else if (op == ACT_SIGMOID) r = sigmoidS(v);
    else if (op == ACT_RELU) r = v > 0 ? v : 0;
    store<f32>(out + o, r);
  }
}

/** dx = act'(·)⊙dy with the derivative written in terms of y = act(x). */
export function activationBackward(op: i32, y: usize, dy: usize, dx: usize, n: i32): void {
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i * 4);
    const yv = v128.load(y + o);
    const g = v128.load(dy + o);
    let r = g;
    if (op == ACT_TANH) r = f32x4.mul(g, f32x4.sub(one, f32x4.mul(yv, yv)));
    else if (op == ACT_SIGMOID) r = f32x4.mul(g, f32x4.mul(yv, f32x4.sub(one, yv)));
    else if (op == ACT_RELU) r = v128.and(g, f32x4.gt(yv, zero));
    v128.store(dx + o, r);
  }
  for (; i < n; i++) {
    const o = <usize>(i * 4);
    const yv = load<f32>(y + o);
    const g = load<f32>(dy + o);
    let r = g;
    if (op == ACT_TANH) r = g * (1 - yv * yv);
    else if (op == ACT_SIGMOID) r = g * yv * (1 - yv);
    else if (op == ACT_RELU) r = yv > 0 ? g : 0;
    store<f32>(dx + o, r);
  }
}

/** out[r, :] = softmax(x[r, :]·invT): subtract the row max, exponentiate, normalise. */
export function softmax(x: usize, out: usize, rows: i32, cols: i32, invT: f32): void {
  const it = f32x4.splat(invT);
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>(r * cols * 4);
    const orow = out + <usize>(r * cols * 4);
    let mx: f32 = -Infinity;
    for (let j = 0; j < cols; j++) mx = max(mx, load<f32>(xr + <usize>(j * 4)) * invT);
    const mv = f32x4.splat(mx);
    let sum: f64 = 0;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>(j * 4);
      const e = expV(f32x4.sub(f32x4.mul(v128.load(xr + o), it), mv));
      v128.store(orow + o, e);
      sum += <f64>f32x4.extract_lane(e, 0) + <f64>f32x4.extract_lane(e, 1) + <f64>f32x4.extract_lane(e, 2) + <f64>f32x4.extract_lane(e, 3);
    }
    for (; j < cols; j++) {
      const o = <usize>(j * 4);
      const e = expS(load<f32>(xr + o) * invT - mx);
      store<f32>(orow + o, e);
      sum += <f64>e;
    }
    const inv = <f32>(1.0 / sum);
    const iv = f32x4.splat(inv);
    j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>(j * 4);
      v128.store(orow + o, f32x4.mul(v128.load(orow + o), iv));
    }
    for (; j < cols; j++) {
      const o = <usize>(j * 4);
      store<f32>(orow + o, load<f32>(orow + o) * inv);
    }
  }
}

/** Strided 2-D copy: dst[r·dstStride + j] (+)= src[r·srcStride + j] (pointers already offset). */
export function copy2d(src: usize, dst: usize, rows: i32, cols: i32, srcStride: i32, dstStride: i32, accumulate: bool): void {
  const cb = <usize>(cols * 4);
  for (let r = 0; r < rows; r++) {
    const s = src + <usize>(r) * <usize>(srcStride * 4);
    const d = dst + <usize>(r) * <usize>(dstStride * 4);
    if (!accumulate) {
      memory.copy(d, s, cb);
    } else {
      axpy(d, s, cols, 1);
    }
  }
}
