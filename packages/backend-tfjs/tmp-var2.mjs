const tf = await import('@tensorflow/tfjs-core'); await import('@tensorflow/tfjs-backend-cpu'); await import('@tensorflow/tfjs-backend-wasm');
await tf.setBackend(process.argv[2] ?? 'wasm'); await tf.ready();
const T=50,B=64,I=8,H=128;
const a = tf.randomNormal([B,4*H]), aT = tf.randomNormal([4*H,B]), c = tf.randomNormal([B,H]);
const dy3 = tf.randomNormal([T,B,H]);
const cases = {
  split4: () => tf.split(a, 4, 1),
  transposeUnstack: () => tf.unstack(tf.transpose(tf.reshape(a,[B,4,H]),[1,0,2])),
  split4rows: () => tf.split(aT, 4, 0),
  tanh: () => tf.tanh(c),
  tanhViaSig: () => tf.sub(tf.mul(tf.sigmoid(tf.mul(c, 2)), 2), 1),
  sigmoid: () => tf.sigmoid(c),
  gatherDy: () => tf.gather(dy3, 7),
  sliceDy: () => tf.slice(dy3, [7,0,0],[1,B,H]),
  unstackDy: () => tf.unstack(dy3),
  stack50: () => tf.stack(Array(50).fill(c)),
  concat4: () => tf.concat([c,c,c,c],1),
};
const best = {};
for (let round=0; round<5; round++) for (const [k,f] of Object.entries(cases)) {
  const n = k==='unstackDy'||k==='stack50' ? 4 : 40;
  const t0=performance.now(); for (let i=0;i<n;i++) tf.tidy(f); const dt=(performance.now()-t0)/n*1000;
  best[k] = Math.min(best[k] ?? Infinity, dt);
}
for (const [k,v] of Object.entries(best)) console.log(k.padEnd(16), v.toFixed(0), 'us');
