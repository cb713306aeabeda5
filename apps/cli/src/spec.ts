/**
 * Every `recur` command, its flags, defaults and examples, as plain data. The CLI builds its
 * parser from this table, and the docs site generates the CLI reference from it, so the two can
 * never disagree.
 */

/** How a flag's value is parsed. */
export type FlagType = 'string' | 'int' | 'number' | 'boolean' | 'list' | 'path';

/** One flag of a command. */
export interface FlagSpec {
  /** camelCase key (also the key in a `--config` file). */
  readonly name: string;
  /** The flag as typed, e.g. `--lookback <n>`. */
  readonly flag: string;
  readonly type: FlagType;
  readonly description: string;
  /** Default value (shown in help); `undefined` when there is none. */
  readonly default?: string | number | boolean | readonly string[];
  /** Allowed values, when the set is fixed. */
  readonly choices?: readonly string[];
  /** The command fails with exit code 1 when the flag is missing. */
  readonly required?: boolean;
}

/** One positional argument. */
export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
  /** Takes every remaining argument. */
  readonly variadic?: boolean;
}

/** One example shown in `--help` and in the docs. */
export interface ExampleSpec {
  readonly command: string;
  readonly description: string;
}

/** One `recur` subcommand. */
export interface CommandSpec {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** One line. */
  readonly summary: string;
  /** A paragraph for `--help` and the docs. */
  readonly description: string;
  readonly arguments: readonly ArgumentSpec[];
  readonly flags: readonly FlagSpec[];
  readonly examples: readonly ExampleSpec[];
}

/** Flags every command accepts. */
export const GLOBAL_FLAGS: readonly FlagSpec[] = Object.freeze([
  { name: 'json', flag: '--json', type: 'boolean', description: 'Print one machine-readable JSON document on stdout instead of text.', default: false },
  { name: 'config', flag: '--config <file>', type: 'path', description: 'Read flags from a JSON file (top-level keys, or a section named after the command). Flags on the command line win.' },
  { name: 'debug', flag: '--debug', type: 'boolean', description: 'Print stack traces of internal errors.', default: false },
]);

const BACKEND: FlagSpec = {
  name: 'backend',
  flag: '--backend <name>',
  type: 'string',
  description:
    "Compute backend: 'auto' (the fastest one available here that is not an emulator; the choice is printed and recorded), or a name from `recur backends`: cpu, wasm, webgpu, cuda, tfjs-*.",
  default: 'auto',
};

const DATA: FlagSpec = { name: 'data', flag: '--data <file.csv>', type: 'path', description: 'A CSV file with a header row.' };
const DATASET: FlagSpec = { name: 'dataset', flag: '--dataset <name>', type: 'string', description: 'A bundled dataset (see `recur datasets`).' };
const MODEL: FlagSpec = { name: 'model', flag: '--model <dir>', type: 'path', description: 'A model directory written by `recur train`, `recur import-torch` or `recur import-onnx`.', required: true };

/** The `recur` commands. */
export const COMMANDS: readonly CommandSpec[] = Object.freeze([
  {
    name: 'train',
    summary: 'Train a forecaster (or a character language model) and write a model directory and an HTML report.',
    description:
      'With no arguments, trains an LSTM on the monthly Mauna Loa CO2 series (a bundled real dataset): chronological train/validation/test split, ' +
      'a scaler fitted on the training rows only, windows of `lookback` months forecasting the next `horizon` months. It shows a progress bar on a terminal, ' +
      'prints the test metrics against the persistence and seasonal-naive baselines, and writes the model directory (weights, config, scaler, training log, ' +
      'checkpoints) and a self-contained HTML report. Ctrl-C saves a checkpoint; `--resume DIR` continues from it.',
    arguments: [],
    flags: [
      DATA,
      { ...DATASET, default: 'co2-concentration', description: 'A bundled dataset (see `recur datasets`). Used when --data is not given.' },
      { name: 'timestamp', flag: '--timestamp <column>', type: 'string', description: 'CSV column holding the time (ISO dates). Default: a column named date, time, timestamp or datetime, if any.' },
      { name: 'target', flag: '--target <column>', type: 'string', description: "Column to forecast. Default: the dataset's default target, or the CSV's first value column." },
      { name: 'features', flag: '--features <columns>', type: 'list', description: 'Comma-separated input columns. Default: the target only.' },
      { name: 'missing', flag: '--missing <policy>', type: 'string', choices: ['error', 'ffill', 'interpolate'], default: 'error', description: 'What to do with empty CSV cells.' },
      { name: 'lookback', flag: '--lookback <n>', type: 'int', default: 24, description: 'Input steps per window.' },
      { name: 'horizon', flag: '--horizon <n>', type: 'int', default: 12, description: 'Steps forecast at once (one model output per step ahead).' },
      { name: 'seasonalPeriod', flag: '--seasonal-period <n>', type: 'int', description: "Season length in rows for the seasonal-naive baseline and MASE. Default: the dataset's, else 1." },
      { name: 'split', flag: '--split <train,validation,test>', type: 'list', default: ['0.7', '0.15', '0.15'], description: 'Chronological split fractions (they must sum to 1).' },
      { name: 'residual', flag: '--no-residual', type: 'boolean', default: true, description: 'Forecast the change from the last observed target value (default), or the level itself with --no-residual.' },
      { name: 'cell', flag: '--cell <kind>', type: 'string', choices: ['lstm', 'gru', 'rnn-tanh', 'rnn-relu'], default: 'lstm', description: 'Recurrent cell.' },
      { name: 'hidden', flag: '--hidden <n>', type: 'int', default: 32, description: 'Hidden units per layer.' },
      { name: 'layers', flag: '--layers <n>', type: 'int', default: 1, description: 'Stacked recurrent layers.' },
      { name: 'epochs', flag: '--epochs <n>', type: 'int', default: 60, description: 'Training epochs (early stopping may end sooner).' },
      { name: 'batchSize', flag: '--batch-size <n>', type: 'int', default: 32, description: 'Windows per batch.' },
      { name: 'lr', flag: '--lr <rate>', type: 'number', default: 0.005, description: 'Adam learning rate.' },
      { name: 'clip', flag: '--clip <norm>', type: 'number', default: 1, description: 'Clip the global gradient norm to this value (0 turns clipping off).' },
      { name: 'patience', flag: '--patience <epochs>', type: 'int', default: 10, description: 'Early stopping: epochs without validation improvement (0 turns it off). The best weights are kept.' },
      { name: 'seed', flag: '--seed <n>', type: 'int', default: 42, description: 'Seed of initialisation and shuffling.' },
      BACKEND,
      { name: 'out', flag: '--out <dir>', type: 'path', default: 'recur-model', description: 'Model directory to write.' },
      { name: 'report', flag: '--report <file.html>', type: 'path', description: 'Where to write the HTML report. Default: <out>/report.html.' },
      { name: 'checkpointEvery', flag: '--checkpoint-every <steps>', type: 'int', default: 50, description: 'Write <out>/checkpoint.safetensors every this many optimizer steps.' },
      { name: 'resume', flag: '--resume <dir>', type: 'path', description: 'Continue an interrupted run from <dir>/checkpoint.safetensors (other flags are taken from <dir>/run.json).' },
      { name: 'task', flag: '--task <task>', type: 'string', choices: ['forecast', 'lm'], default: 'forecast', description: "'lm' trains a character language model (use with --text or --dataset moby-dick)." },
      { name: 'text', flag: '--text <file.txt>', type: 'path', description: 'Language models: a UTF-8 text file to train on.' },
      { name: 'seqLen', flag: '--seq-len <n>', type: 'int', default: 64, description: 'Language models: characters per training sequence.' },
      { name: 'maxChars', flag: '--max-chars <n>', type: 'int', default: 100000, description: 'Language models: use only the first n characters of the text.' },
      { name: 'embedding', flag: '--embedding <n>', type: 'int', default: 16, description: 'Language models: embedding width.' },
    ],
    examples: [
      { command: 'recur train', description: 'Train an LSTM on monthly Mauna Loa CO2 with the defaults; writes recur-model/ and recur-model/report.html.' },
      { command: 'recur train --dataset seattle-weather --target temp_max --lookback 30 --horizon 7 --seasonal-period 365', description: 'Forecast next week’s maximum temperature in Seattle.' },
      { command: 'recur train --data sales.csv --timestamp date --target units --features units,price --cell gru --epochs 50 --out sales-model', description: 'Train a GRU on your own CSV with two input columns.' },
      { command: 'recur train --backend wasm --json', description: 'Pin a backend (the default, auto, picks the fastest one here) and print the result as JSON.' },
      { command: 'recur train --resume recur-model', description: 'Continue a run interrupted with Ctrl-C.' },
      { command: 'recur train --task lm --dataset moby-dick --epochs 1 --out moby', description: 'Train a character language model on Moby-Dick (then try `recur generate`).' },
      { command: 'recur train --config recur.json', description: 'Read the flags from a JSON file such as {"train": {"dataset": "seattle-weather", "epochs": 20}}.' },
    ],
  },
  {
    name: 'eval',
    summary: 'Score a trained forecaster on its test split against the persistence and seasonal-naive baselines.',
    description:
      'Rebuilds the test split the model was trained with (or uses another CSV with the same columns), forecasts every test window and prints MAE, RMSE, ' +
      'MASE and sMAPE for the model and both baselines, the error per horizon, and optionally a walk-forward backtest over several origins.',
    arguments: [],
    flags: [
      MODEL,
      { ...DATA, description: 'Evaluate on this CSV instead of the data the model was trained on (same columns).' },
      DATASET,
      { name: 'backtest', flag: '--backtest <folds>', type: 'int', default: 0, description: 'Also score the model over this many walk-forward folds (expanding window, each fold a later test block).' },
      BACKEND,
      { name: 'report', flag: '--report <file.html>', type: 'path', description: 'Also write an HTML report with the charts.' },
    ],
    examples: [
      { command: 'recur eval --model recur-model', description: 'Metrics table and per-horizon error on the test split.' },
      { command: 'recur eval --model recur-model --backtest 4 --json', description: 'Add a 4-fold walk-forward backtest; JSON output.' },
      { command: 'recur eval --model sales-model --data sales-2025.csv --report eval.html', description: 'Score on new data and write a report.' },
    ],
  },
  {
    name: 'predict',
    aliases: ['forecast'],
    summary: 'Forecast from new data, or run a model on raw tensors (JSON in, JSON out).',
    description:
      'With --input IN.json, runs the model on a batch-first tensor `{"input": {"shape": [B,T,I], "data": [...]}, "h0": {...}, "c0": {...}}` and writes ' +
      '`{"output": {...}, "h_n": {...}, "c_n": {...}}` (the head output when the model has one, else the recurrent output; states [layers·directions, B, H]). ' +
      'Otherwise the model must have been trained by `recur train`: it forecasts the next `horizon` steps after the last `lookback` rows of the data.',
    arguments: [],
    flags: [
      MODEL,
      { name: 'input', flag: '--input <file.json>', type: 'path', description: 'Raw-tensor mode: the input tensors (batch-first).' },
      { name: 'output', flag: '--output <file.json>', type: 'path', description: 'Write the result here (atomically) instead of stdout.' },
      { ...DATA, description: 'Forecast mode: the CSV to forecast from (default: the data the model was trained on).' },
      DATASET,
      BACKEND,
    ],
    examples: [
      { command: 'recur predict --model torch-model --input in.json --output out.json', description: 'Run an imported PyTorch model on a tensor.' },
      { command: 'recur forecast --model recur-model', description: 'Forecast the next `horizon` steps after the end of the training data.' },
      { command: 'recur forecast --model sales-model --data latest.csv --json', description: 'Forecast from the latest rows of a CSV, as JSON.' },
    ],
  },
  {
    name: 'probe',
    summary: 'Measure how much past context a trained forecaster really uses.',
    description:
      'Runs the long-range-context probes of @recur/eval on the test windows: context ablation (the error when only the last k steps are visible, ' +
      'and the effective context length) and the gradient of the loss with respect to each input step (by lag).',
    arguments: [],
    flags: [
      MODEL,
      DATA,
      DATASET,
      { name: 'mode', flag: '--mode <mode>', type: 'string', choices: ['mask', 'truncate'], default: 'mask', description: 'Hide old steps by masking them with the training mean, or by cutting them off.' },
      BACKEND,
      { name: 'report', flag: '--report <file.html>', type: 'path', description: 'Also write an HTML report with the ablation and gradient charts.' },
    ],
    examples: [
      { command: 'recur probe --model recur-model', description: 'Effective context length and gradient by lag.' },
      { command: 'recur probe --model recur-model --mode truncate --report probe.html', description: 'Truncate instead of masking; write the charts.' },
    ],
  },
  {
    name: 'generate',
    summary: 'Sample text from a character language model.',
    description: 'Continues a prompt with characters sampled from softmax(logits / temperature); temperature 0 picks the most likely character.',
    arguments: [],
    flags: [
      MODEL,
      { name: 'prompt', flag: '--prompt <text>', type: 'string', default: 'The ', description: 'Text to continue (its characters must be in the vocabulary).' },
      { name: 'length', flag: '--length <n>', type: 'int', default: 200, description: 'Characters to generate.' },
      { name: 'temperature', flag: '--temperature <t>', type: 'number', default: 0.8, description: 'Sampling temperature (0 = greedy).' },
      { name: 'seed', flag: '--seed <n>', type: 'int', default: 0, description: 'Sampling seed.' },
      BACKEND,
    ],
    examples: [
      { command: 'recur generate --model moby --prompt "Call me " --length 300', description: 'Continue a prompt.' },
      { command: 'recur generate --model moby --temperature 0', description: 'Greedy decoding.' },
    ],
  },
  {
    name: 'import-torch',
    summary: 'Convert a PyTorch nn.LSTM / nn.GRU / nn.RNN state dict (safetensors) into a recur model directory.',
    description:
      'Reads the weights (batch_first semantics do not change them), finds the recurrent module and a trailing nn.Linear head, tells LSTM from GRU by the weight shapes, ' +
      'and infers layers, directions and sizes; it asks for --prefix, --head or --cell only when the file does not decide. ' +
      'Save the state dict in PyTorch with `safetensors.torch.save_file(model.state_dict(), "weights.safetensors")`.',
    arguments: [{ name: 'weights', description: 'The .safetensors file.', required: true }],
    flags: [
      { name: 'cell', flag: '--cell <kind>', type: 'string', choices: ['lstm', 'gru', 'rnn-tanh', 'rnn-relu'], description: 'The PyTorch module. Default: detected from the weight shapes (4·H rows nn.LSTM, 3·H nn.GRU); an nn.RNN needs rnn-tanh or rnn-relu.' },
      { name: 'prefix', flag: '--prefix <prefix>', type: 'string', description: "Name prefix of the recurrent module's weights ('' for a bare module). Default: detected (asked for when the file holds several recurrent modules)." },
      { name: 'head', flag: '--head <prefix>', type: 'string', description: 'Name prefix of a trailing nn.Linear. Default: detected (the one Linear reading the recurrent features; asked for when there are several).' },
      { name: 'kind', flag: '--kind <kind>', type: 'string', choices: ['seq2one', 'seq2seq'], description: 'seq2one: the head reads the final state; seq2seq: the head runs at every step. Default: seq2one with a head, seq2seq without.' },
      { name: 'out', flag: '--out <dir>', type: 'path', required: true, description: 'Model directory to write.' },
    ],
    examples: [
      { command: 'recur import-torch weights.safetensors --out torch-model', description: 'Import a state dict: the module (a bare nn.LSTM, or one under `rnn.`, `encoder.gru.`, …), its Linear head and the cell are detected.' },
      { command: 'recur import-torch rnn.safetensors --cell rnn-relu --out rnn-model', description: 'An nn.RNN: weights do not say tanh or relu, so pass --cell.' },
      { command: 'recur import-torch seq2seq.safetensors --prefix encoder. --head fc --out encoder-model', description: 'Pick one of several modules by name (the others are ignored, and listed).' },
    ],
  },
  {
    name: 'export-torch',
    summary: 'Write a recur model as a PyTorch safetensors state dict.',
    description: 'The file loads in PyTorch with `module.load_state_dict(safetensors.torch.load_file(path))` for a module with the given submodule names.',
    arguments: [],
    flags: [
      MODEL,
      { name: 'out', flag: '--out <file.safetensors>', type: 'path', required: true, description: 'File to write (atomically).' },
      { name: 'prefix', flag: '--prefix <prefix>', type: 'string', default: 'rnn.', description: 'Name prefix of the recurrent module.' },
      { name: 'head', flag: '--head <prefix>', type: 'string', default: 'head', description: 'Name prefix of the Linear head.' },
    ],
    examples: [{ command: 'recur export-torch --model recur-model --out weights.safetensors', description: 'Export for PyTorch.' }],
  },
  {
    name: 'export-onnx',
    summary: 'Write a recur model as an ONNX model (standard LSTM / GRU / RNN operators) for ONNX Runtime, Triton and other ONNX runtimes.',
    description:
      'The graph takes `input` [T, B, I] (time-major, or [B, T, I] with --batch-first; token ids `tokens` for a language model) with dynamic batch and length, ' +
      'and returns `output`. --sequence-lens adds an int32 `sequence_lens` [B] input for padded batches; --states adds `initial_h`/`initial_c` inputs and ' +
      '`final_h`/`final_c` outputs [layers·directions, B, H] for streaming. See the docs page "Serving with ONNX".',
    arguments: [],
    flags: [
      MODEL,
      { name: 'out', flag: '--out <file.onnx>', type: 'path', required: true, description: 'File to write (atomically).' },
      { name: 'opset', flag: '--opset <n>', type: 'int', default: 17, description: 'ONNX opset, 14 to 21.' },
      { name: 'sequenceLens', flag: '--sequence-lens', type: 'boolean', default: false, description: 'Add a `sequence_lens` input (per-sequence lengths of a padded batch).' },
      { name: 'states', flag: '--states', type: 'boolean', default: false, description: 'Add initial-state inputs and final-state outputs (streaming).' },
      { name: 'batchFirst', flag: '--batch-first', type: 'boolean', default: false, description: 'Batch-major input and sequence output: [B, T, ·].' },
    ],
    examples: [
      { command: 'recur export-onnx --model recur-model --out model.onnx', description: 'Export for onnxruntime.' },
      { command: 'recur export-onnx --model recur-model --out stream.onnx --states --batch-first', description: 'A streaming graph with batch-major inputs.' },
    ],
  },
  {
    name: 'import-onnx',
    summary: 'Convert an ONNX model (LSTM / GRU / RNN layers and a dense head, e.g. from torch.onnx.export) into a recur model directory.',
    description:
      'Reads graphs written by recur and by `torch.onnx.export` (opsets 14 to 18): the shape glue around the recurrent operators is folded at import. ' +
      'Anything that would change the maths (peepholes, input_forget, linear_before_reset=0, other operators) is refused with one line naming each operator or attribute.',
    arguments: [{ name: 'file', description: 'The .onnx file.', required: true }],
    flags: [{ name: 'out', flag: '--out <dir>', type: 'path', required: true, description: 'Model directory to write.' }],
    examples: [{ command: 'recur import-onnx model.onnx --out onnx-model', description: 'Import, then `recur predict --model onnx-model`.' }],
  },
  {
    name: 'backends',
    summary: 'List every compute backend, whether it can run here, and why not.',
    description: 'Each backend package is loaded on demand; one that is missing or cannot start here is listed with the reason.',
    arguments: [],
    flags: [],
    examples: [
      { command: 'recur backends', description: 'A table of backends.' },
      { command: 'recur backends --json', description: 'The same as JSON.' },
    ],
  },
  {
    name: 'datasets',
    summary: 'List the bundled datasets.',
    description: 'Name, frequency, seasonal period, size, default target and source of every dataset `recur train --dataset` accepts.',
    arguments: [],
    flags: [],
    examples: [{ command: 'recur datasets', description: 'A table of datasets.' }],
  },
  {
    name: 'inspect',
    summary: 'Summarise a model directory: architecture, parameters, data pipeline, training.',
    description: 'Verifies the weights checksum and prints what the model is and how it was trained.',
    arguments: [{ name: 'dir', description: 'The model directory (or use --model).', required: false }],
    flags: [{ ...MODEL, required: false }],
    examples: [
      { command: 'recur inspect recur-model', description: 'Human-readable summary.' },
      { command: 'recur inspect --model recur-model --json', description: 'Machine-readable summary.' },
    ],
  },
  {
    name: 'bench',
    summary: "Run recur's benchmark workloads (the repository's bench harness).",
    description: 'Runs `node bench/dist/main.js` of the recur repository (found from the current directory upwards); extra arguments are passed on. Build it first with `pnpm build` or use `pnpm bench`.',
    arguments: [{ name: 'args', description: 'Arguments for the harness, e.g. --smoke or --only W1.', required: false, variadic: true }],
    flags: [],
    examples: [
      { command: 'recur bench -- --smoke', description: 'A quick run of every workload.' },
      { command: 'recur bench -- --only W1,W4', description: 'Only some workloads.' },
    ],
  },
]);

/** Look up a command by name or alias. */
export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name || (c.aliases ?? []).includes(name));
}
