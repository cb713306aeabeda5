import { describe, expect, it } from 'vitest';
import { sha256Hex, sha256HexWebCrypto } from './sha256.js';

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 test vectors, on both the node:crypto and WebCrypto paths', async () => {
    const abc = new TextEncoder().encode('abc');
    const expected = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(await sha256Hex(abc)).toBe(expected);
    expect(await sha256HexWebCrypto(abc)).toBe(expected);
    expect(await sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const big = new Uint8Array(100_000).map((_, i) => (i * 31) & 0xff);
    expect(await sha256HexWebCrypto(big)).toBe(await sha256Hex(big));
  });
});
