/** What a tfjs engine can do, declared honestly per engine. */
import { normalizeCapabilities, type Capabilities, type CapabilityDeclaration, type Precision } from '@recur/backend';
import type { TfjsEngine } from './engines.js';
import type { Tfjs } from './tf-types.js';

/**
 * What a tfjs backend declares per engine; `tfjsCapabilities` builds the manifest from it, with
 * the precision the running engine really has (WebGL may fall back to float16).
 */
export function declaredTfjsCapabilities(engine: TfjsEngine): CapabilityDeclaration {
  return { precision: 'float32', float64: false, training: true, fusedSequence: true, variableLength: true, async: engine === 'webgl' || engine === 'webgpu' };
}

/**
 * The precision the active engine computes in. Every engine stores float32, except WebGL on
 * devices that cannot render to float32 textures (`WEBGL_RENDER_FLOAT32_CAPABLE` false), or when
 * the app forces 16-bit textures (`WEBGL_FORCE_F16_TEXTURES`): tfjs then uses half floats.
 */
export function enginePrecision(tf: Tfjs, engine: TfjsEngine): Precision {
  if (engine !== 'webgl') return 'float32';
  try {
    const env = tf.env();
    if (env.getBool('WEBGL_FORCE_F16_TEXTURES')) return 'float16';
    return env.getBool('WEBGL_RENDER_FLOAT32_CAPABLE') ? 'float32' : 'float16';
  } catch {
    // The flag is registered by tfjs-backend-webgl; without it, assume the weaker precision.
    return 'float16';
  }
}

/**
 * The manifest of a tfjs backend: training is supported (explicit BPTT, losses, optimizers),
 * variable-length batches are, and whole sequences run in one call (`fusedSequence`: the loop over
 * time is the backend's own, in JavaScript, one tfjs op chain per step).
 * GPU engines (webgl, webgpu, and tfjs-node-gpu) queue work asynchronously.
 */
export function tfjsCapabilities(tf: Tfjs, engine: TfjsEngine): Capabilities {
  return normalizeCapabilities({ ...declaredTfjsCapabilities(engine), precision: enginePrecision(tf, engine) });
}
