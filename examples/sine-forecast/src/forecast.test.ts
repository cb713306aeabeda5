import { createCpuBackend } from '@recur/backend-cpu';
import { describe, expect, it } from 'vitest';
import { runSineForecast } from './forecast.js';

describe('sine-forecast example', () => {
  it('beats the last-value baseline on the held-out split (fixed seed)', async () => {
    const r = await runSineForecast({ backend: createCpuBackend(), seed: 7, length: 600, epochs: 12, hiddenSize: 12 });
    expect(r.testWindows).toBeGreaterThan(50);
    expect(r.modelMse).toBeLessThan(r.baselineMse * 0.8);
  });
});
