/** The declared precision per engine, including WebGL's 16-bit fallback. */
import { describe, expect, it } from 'vitest';
import { enginePrecision, tfjsCapabilities, type Tfjs } from './index.js';

/** A stand-in for `tf` whose WebGL flags are set by the test (no WebGL in Node). */
function fakeTf(flags: Record<string, boolean>): Tfjs {
  return {
    env: () => ({
      getBool: (name: string) => {
        if (!(name in flags)) throw new Error(`Unknown flag ${name}`);
        return flags[name] as boolean;
      },
    }),
  } as unknown as Tfjs;
}

describe('enginePrecision', () => {
  it('is float32 for cpu, wasm, webgpu and tensorflow', () => {
    const tf = fakeTf({});
    for (const e of ['cpu', 'wasm', 'webgpu', 'tensorflow'] as const) expect(enginePrecision(tf, e)).toBe('float32');
  });

  it('follows WEBGL_RENDER_FLOAT32_CAPABLE and WEBGL_FORCE_F16_TEXTURES on webgl', () => {
    expect(enginePrecision(fakeTf({ WEBGL_FORCE_F16_TEXTURES: false, WEBGL_RENDER_FLOAT32_CAPABLE: true }), 'webgl')).toBe('float32');
    expect(enginePrecision(fakeTf({ WEBGL_FORCE_F16_TEXTURES: false, WEBGL_RENDER_FLOAT32_CAPABLE: false }), 'webgl')).toBe('float16');
    expect(enginePrecision(fakeTf({ WEBGL_FORCE_F16_TEXTURES: true, WEBGL_RENDER_FLOAT32_CAPABLE: true }), 'webgl')).toBe('float16');
    expect(enginePrecision(fakeTf({}), 'webgl')).toBe('float16'); // flags unknown: assume the weaker precision
  });

  it('feeds the manifest: training and variable lengths, no fused sequence; GPU engines are async', () => {
    const caps = tfjsCapabilities(fakeTf({ WEBGL_FORCE_F16_TEXTURES: false, WEBGL_RENDER_FLOAT32_CAPABLE: false }), 'webgl');
    expect(caps).toMatchObject({ precision: 'float16', training: true, variableLength: true, fusedSequence: true, async: true });
    expect(tfjsCapabilities(fakeTf({}), 'wasm').async).toBe(false);
  });
});
