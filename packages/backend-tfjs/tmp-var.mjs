const tf = await import('@tensorflow/tfjs-core'); await import('@tensorflow/tfjs-backend-cpu'); await import('@tensorflow/tfjs-backend-wasm');
await tf.setBackend(process.argv[2] ?? 'wasm'); await tf.ready();
const T=50,B=64,I=8,H=128;
const x3 = tf.randomNormal([T,B,I]), xp3 = tf.randomNormal([T,B,4*H]), WihT = tf.randomNormal([I,4*H]), WhhT = tf.randomNormal([H,4*H]), h = tf.randomNormal([B,H]), a = tf.randomNormal([B,4*H]);
const cases = {
  gatherBig: () => tf.gather(xp3, 7),
  gatherSmall: () => tf.gather(x3, 7),
  projSmall: () => tf.matMul(tf.gather(x3, 7), WihT),
  matMulH: () => tf.matMul(h, WhhT),
  split4: () => tf.split(a, 4, 1),
  sigmoidAll: () => tf.sigmoid(a),
  tanhAll: () => tf.tanh(a),
  add: () => tf.add(a, a),
  mulSmall: () => tf.mul(h, h),
  sliceBig: () => tf.slice(xp3, [7,0,0], [1,B,4*H]),
};
const best = {};
for (let round=0; round<5; round++) for (const [k,f] of Object.entries(cases)) {
  const t0=performance.now(); for (let i=0;i<40;i++) tf.tidy(f); const dt=(performance.now()-t0)/40*1000;
  best[k] = Math.min(best[k] ?? Infinity, dt);
}
for (const [k,v] of Object.entries(best)) console.log(k.padEnd(12), v.toFixed(0), 'us');
