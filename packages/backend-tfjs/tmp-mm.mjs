const tf = await import('@tensorflow/tfjs-core'); await import('@tensorflow/tfjs-backend-cpu'); await import('@tensorflow/tfjs-backend-wasm');
for (const be of ['wasm','cpu']) { await tf.setBackend(be); await tf.ready();
 const shapes = [[64,128,512],[512,3200,128],[3200,512,8]];
 for (const [m,k,n] of shapes) {
  const a = tf.randomNormal([m,k]), aT = tf.randomNormal([k,m]), b = tf.randomNormal([k,n]), bT = tf.randomNormal([n,k]);
  const time = async (name, f) => { f().dispose(); const t0=performance.now(); for (let i=0;i<10;i++) tf.tidy(()=>{ f().dataSync(); }); console.log(be, m,k,n, name, ((performance.now()-t0)/10).toFixed(2),'ms'); };
  await time('plain', () => tf.matMul(a,b));
  await time('transB flag', () => tf.matMul(a,bT,false,true));
  await time('transB explicit', () => tf.matMul(a,tf.transpose(bT)));
  await time('transA flag', () => tf.matMul(aT,b,true,false));
  await time('transA explicit', () => tf.matMul(tf.transpose(aT),b));
 }}
