import { describe, expect, it } from 'vitest';
import { BASELINE_DIVERGENCE_RATIO, DIVERGENCE_RATIO, divergence } from './session.js';

const log = (valLosses: number[]) => valLosses.map((valLoss, epoch) => ({ epoch, loss: valLoss, valLoss, lr: 0.01 }));

describe('divergence', () => {
  it('is silent for ordinary training', () => {
    expect(divergence(log([1, 0.5, 0.4, 0.45]), 2, 0.01, 0.3)).toBeNull();
    expect(divergence(log([1, 0.5]), null, 0.01, null)).toBeNull();
  });

  it(`reports a validation loss that ends more than ${DIVERGENCE_RATIO}× its best, naming --lr and --clip`, () => {
    const why = divergence(log([1, 0.5, 6]), 1, 1e6, null);
    expect(why).toMatch(/rose from 0\.5000 \(epoch 2\) to 6\.000 \(epoch 3\).*best epoch's weights.*Lower --lr \(it is 1000000\) or set --clip/);
    expect(divergence(log([1, 0.5, 4.9]), 1, 0.01, null)).toBeNull();
  });

  it(`reports a best validation loss more than ${BASELINE_DIVERGENCE_RATIO}× the persistence baseline`, () => {
    expect(divergence(log([5e4, 4e4]), 1, 1e6, 0.27)).toMatch(/best validation loss 4\.000e\+4 \(epoch 2\) is 148148× the persistence baseline's 0\.2700/);
    expect(divergence(log([20, 20]), 0, 0.01, 0.27)).toBeNull();
  });
});
