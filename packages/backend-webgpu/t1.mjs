process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
const m = await import('./dist/index.js');
const mode = process.argv[2];
if (mode === 'probe') console.log(await m.probeWebgpu());
else { const be = await m.createWebgpuBackend(); const t = be.upload([1,2,3],[3]); console.log(await be.read(t)); be.destroy(); }
console.log('end of script');
