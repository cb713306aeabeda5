import { createTfjsBackend } from './dist/index.js';
const engine = process.argv[2] ?? 'wasm';
const b = await createTfjsBackend({ engine });
const T=50,B=64,I=8,H=128,G=4;
const rnd = (n) => Float32Array.from({length:n}, () => Math.random()*0.2-0.1);
const x=b.upload(rnd(T*B*I),[T,B,I]), wIh=b.upload(rnd(G*H*I),[G*H,I]), wHh=b.upload(rnd(G*H*H),[G*H,H]), bIh=b.upload(rnd(G*H),[G*H]), bHh=b.upload(rnd(G*H),[G*H]);
const y=b.alloc([T,B,H]), hN=b.alloc([B,H]), cN=b.alloc([B,H]);
const dWih=b.alloc([G*H,I]), dWhh=b.alloc([G*H,H]), dbIh=b.alloc([G*H]), dbHh=b.alloc([G*H]), dx=b.alloc([T,B,I]);
const p = {cell:'lstm',T,B,I,H,x,wIh,wHh,bIh,bHh,h0:null,c0:null,y,hN,cN};
for (let rep=0; rep<4; rep++) {
  const now=()=>{const u=process.cpuUsage(); return (u.user+u.system)/1000;}; let t0=now(); b.cellForward(p); await b.read(hN); const tInf=now()-t0;
  t0=now(); const cache=b.cellForward({...p,training:true}); await b.read(hN); const tTr=now()-t0;
  t0=now(); b.cellBackward({...p,cache,dy:y,dhN:null,dx,dWih,dWhh,dbIh,dbHh}); await b.read(dWhh); const tBw=now()-t0;
  b.dispose(cache);
  console.log(engine, 'infer', tInf.toFixed(1), 'fwd-train', tTr.toFixed(1), 'bwd', tBw.toFixed(1));
}
// raw loop comparison
const tf = b.tf;
const W = tf.randomNormal([H, 4*H]); const WT = tf.randomNormal([4*H, H]);
let h = tf.zeros([B,H]);
let t0=performance.now();
for (let t=0;t<T;t++){ const n = tf.tidy(()=>tf.matMul(h, W)); h.dispose(); h=tf.slice(n,[0,0],[B,H]); n.dispose(); }
await h.data(); console.log('50 matMul noT', (performance.now()-t0).toFixed(1));
t0=performance.now();
for (let t=0;t<T;t++){ const n = tf.tidy(()=>tf.matMul(h, WT, false, true)); h.dispose(); h=tf.slice(n,[0,0],[B,H]); n.dispose(); }
await h.data(); console.log('50 matMul transB', (performance.now()-t0).toFixed(1));
