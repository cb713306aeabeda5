// Regenerates src/proto/onnx-schema.json from src/proto/onnx.proto (the official ONNX schema) with
// protobufjs' own parser. The JSON descriptor is what the package loads at runtime with
// `protobufjs/light` (no .proto parser, no file system, so it bundles for browsers).
// Run: pnpm --filter @recur/onnx gen:proto   (a test fails when the JSON is out of date).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'proto');
const text = readFileSync(join(dir, 'onnx.proto'), 'utf8');
const json = protobuf.parse(text, { keepCase: true }).root.toJSON();
writeFileSync(join(dir, 'onnx-schema.json'), `${JSON.stringify(json)}\n`);
console.log('wrote src/proto/onnx-schema.json');
