process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
const m = await import('./dist/index.js');
const mode = process.argv[2];
const be = await m.createWebgpuBackend(); const t = be.upload([1,2,3],[3]); await be.read(t);
if (mode === 'sync-destroy') { await be.sync(); be.destroy(); }
if (mode === 'destroy') be.destroy();
if (mode === 'destroy-wait') { be.destroy(); await new Promise(r => setTimeout(r, 50)); }
