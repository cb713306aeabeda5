import { createTfjsBackend } from './dist/index.js';
const engine = process.argv[2] ?? 'wasm';
const b = await createTfjsBackend({ engine });
const T=1,B=1,I=8,H=128,G=4;
const rnd = (n) => Float32Array.from({length:n}, () => Math.random()*0.2-0.1);
const x=b.upload(rnd(T*B*I),[T,B,I]), wIh=b.upload(rnd(G*H*I),[G*H,I]), wHh=b.upload(rnd(G*H*H),[G*H,H]), bIh=b.upload(rnd(G*H),[G*H]), bHh=b.upload(rnd(G*H),[G*H]);
const y=b.alloc([T,B,H]), h=b.alloc([B,H]), c=b.alloc([B,H]);
const p = {cell:'lstm',T,B,I,H,x,wIh,wHh,bIh,bHh,h0:h,c0:c,y,hN:h,cN:c};
let best=Infinity;
for (let r=0;r<5;r++){ const t0=performance.now(); for (let i=0;i<200;i++) b.cellForward(p); await b.read(h); best=Math.min(best,(performance.now()-t0)/200*1000); }
console.log(engine, 'stream step us', best.toFixed(0));
