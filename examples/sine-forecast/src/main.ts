/**
 * `pnpm --filter @example/sine-forecast start`: train an LSTM on a noisy sine series and print its
 * held-out MSE next to the last-value baseline.
 */
import { createCpuBackend } from '@recur/backend-cpu';
import { runSineForecast } from './forecast.js';

async function main(): Promise<void> {
  const started = performance.now();
  const result = await runSineForecast({
    backend: createCpuBackend(),
    onEpoch: (epoch, loss, valLoss) =>
      console.log(
        `epoch ${String(epoch + 1).padStart(2)}  normalised train mse ${loss.toFixed(4)}  val mse ${valLoss?.toFixed(4)}`,
      ),
  });
  const seconds = (performance.now() - started) / 1000;
  console.log('');
  console.log(
    `windows: ${result.trainWindows} train / ${result.valWindows} validation / ${result.testWindows} test (chronological split)`,
  );
  console.log(
    `held-out MSE  LSTM:               ${result.modelMse.toFixed(5)}`,
  );
  console.log(
    `held-out MSE  last-value baseline: ${result.baselineMse.toFixed(5)}`,
  );
  const ratio = result.modelMse / result.baselineMse;
  console.log(
    `the LSTM's error is ${(ratio * 100).toFixed(1)} % of the baseline's (${result.history.step} steps, ${seconds.toFixed(1)} s)`,
  );
  if (!(result.modelMse < result.baselineMse)) {
    console.error('The LSTM did not beat the last-value baseline.');
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
