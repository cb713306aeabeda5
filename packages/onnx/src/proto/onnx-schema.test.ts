import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import schema from './onnx-schema.json';

describe('onnx-schema.json', () => {
  it('is onnx.proto compiled by protobufjs (regenerate with pnpm --filter @recur/onnx gen:proto)', () => {
    const text = readFileSync(new URL('./onnx.proto', import.meta.url), 'utf8');
    expect(text).toContain('SPDX-License-Identifier: Apache-2.0');
    expect(protobuf.parse(text, { keepCase: true }).root.toJSON()).toEqual(schema);
  });
});
