import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCsv, readCsvChunks, type CsvChunk, type CsvOptions, type CsvSource } from './csv';
import {
  CsvParseError,
  EmptyDataError,
  InvalidOptionError,
  InvalidTimestampError,
  MissingValueError,
  NonFiniteValueError,
  NotCsvError,
  NotNumericError,
  RaggedRowError,
  RecurDataError,
  TimestampOrderError,
  UnknownColumnError,
} from './errors';

const fixture = (name: string): string => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));
const day = (d: number): number => Date.UTC(2012, 0, d);

async function caught(p: Promise<unknown>): Promise<RecurDataError> {
  try {
    await p;
  } catch (e) {
    return e as RecurDataError;
  }
  throw new Error('expected a rejection');
}

async function collect(source: CsvSource, options: CsvOptions): Promise<CsvChunk[]> {
  const out: CsvChunk[] = [];
  for await (const c of readCsvChunks(source, options)) out.push(c);
  return out;
}

describe('readCsv', () => {
  it('reads selected columns with ISO dates from a file path', async () => {
    const s = await readCsv(fixture('weather.csv'), { timestamp: 'date', columns: ['wind', 'temp'] });
    expect(s.columns).toEqual(['wind', 'temp']);
    expect(s.length).toBe(4);
    expect(Array.from(s.data)).toEqual([4.7, 12.8, 4.5, 10.6, 2.3, 11.7, 4.7, 12.2].map(Math.fround));
    expect(Array.from(s.timestamps!)).toEqual([day(1), day(2), day(3), day(4)]);
    expect(s.role).toBe('full');
  });

  it('reads a URL, a Node readable stream, an async iterable of bytes, and { text }', async () => {
    const opts: CsvOptions = { timestamp: 'date', columns: ['temp'] };
    const expected = Array.from(Float32Array.from([12.8, 10.6, 11.7, 12.2]));
    const url = new URL('./__fixtures__/weather.csv', import.meta.url);
    expect(Array.from((await readCsv(url, opts)).data)).toEqual(expected);
    expect(Array.from((await readCsv(createReadStream(fixture('weather.csv')), opts)).data)).toEqual(expected);
    async function* bytes(): AsyncGenerator<Uint8Array> {
      const text = 'date,temp\n2012-01-01,12.8\n2012-01-02,10.6\n2012-01-03,11.7\n2012-01-04,12.2\n';
      const enc = new TextEncoder().encode(text);
      for (let i = 0; i < enc.length; i += 7) yield enc.subarray(i, i + 7); // fields split across chunks
    }
    expect(Array.from((await readCsv(bytes(), opts)).data)).toEqual(expected);
    const s = await readCsv({ text: 'a;b\n1;2\n3;4\n' }, { delimiter: ';' });
    expect(s.columns).toEqual(['a', 'b']);
    expect(Array.from(s.data)).toEqual([1, 2, 3, 4]);
    expect(s.timestamps).toBeUndefined();
    await expect(readCsv(42 as unknown as CsvSource)).rejects.toThrow(InvalidOptionError);
  });

  it('timestamp parsers: number and custom', async () => {
    const n = await readCsv({ text: 'year,v\n1990,1\n1991,2\n' }, { timestamp: { column: 'year', parse: 'number' } });
    expect(Array.from(n.timestamps!)).toEqual([1990, 1991]);
    const months: Record<string, number> = { Jan: 0, Feb: 1 };
    const parse = (t: string): number => {
      const [m, d, y] = t.split(' ');
      return Date.UTC(Number(y), months[m!]!, Number(d));
    };
    const c = await readCsv({ text: 'date,price\nJan 1 2000,1394.46\nFeb 1 2000,1366.42\n' }, { timestamp: { column: 'date', parse } });
    expect(Array.from(c.timestamps!)).toEqual([Date.UTC(2000, 0, 1), Date.UTC(2000, 1, 1)]);
    const bad = await caught(readCsv({ text: 'date,v\n2012-01-01,1\nyesterday,2\n' }, { timestamp: 'date' }));
    expect(bad).toBeInstanceOf(InvalidTimestampError);
    expect([bad.row, bad.column, bad.line]).toEqual([1, 'date', 3]);
  });

  it("missing: 'error' (the default) names row, column and line", async () => {
    const e = await caught(readCsv(fixture('missing.csv'), { timestamp: 'date' }));
    expect(e).toBeInstanceOf(MissingValueError);
    expect(e.code).toBe('E_MISSING_VALUE');
    expect([e.row, e.column, e.line]).toEqual([1, 'temp', 3]);
    expect(e.message).toMatch(/row 1, column "temp" \(file line 3\).*ffill.*interpolate/);
  });

  it("missing: 'ffill' repeats the previous value", async () => {
    const s = await readCsv(fixture('missing.csv'), { timestamp: 'date', missing: 'ffill' });
    expect(Array.from(s.data)).toEqual([1, 10, 1, 20, 3, 20, 7, 40]);
  });

  it("missing: 'interpolate' is linear in time (or in rows without timestamps)", async () => {
    const s = await readCsv(fixture('missing.csv'), { timestamp: 'date', missing: 'interpolate' });
    // temp: day1=1, day2 missing, day3=3 → 2. wind: day2=20, day3 missing, day5=40 → 20 + 20·(1/3)
    expect(Array.from(s.data)).toEqual([1, 10, 2, 20, 3, Math.fround(20 + 20 / 3), 7, 40]);
    const r = await readCsv({ text: 'v\n0\nNA\nNA\n3\n' }, { missing: 'interpolate' });
    expect(Array.from(r.data)).toEqual([0, 1, 2, 3]);
  });

  it('missing values with no neighbour are errors under every policy', async () => {
    const lead = await caught(readCsv({ text: 'v\n\n' + 'NA\n1\n' }, { missing: 'ffill' }));
    expect(lead).toBeInstanceOf(MissingValueError);
    expect(lead.row).toBe(0);
    expect(lead.message).toMatch(/no earlier value/);
    const trail = await caught(readCsv({ text: 'v\n1\n2\nNA\nNA\n' }, { missing: 'interpolate' }));
    expect(trail).toBeInstanceOf(MissingValueError);
    expect([trail.row, trail.column]).toEqual([2, 'v']);
    expect(trail.message).toMatch(/no later value/);
    await expect(readCsv({ text: 'v\n1\n' }, { missing: 'drop' as 'error' })).rejects.toThrow(/missing must be/);
  });

  it('custom missing tokens', async () => {
    const s = await readCsv({ text: 'v\n1\n-999\n3\n' }, { missing: 'interpolate', missingValues: ['-999'] });
    expect(Array.from(s.data)).toEqual([1, 2, 3]);
  });

  it('NaN and Inf cells are typed errors with row and column', async () => {
    for (const bad of ['NaN', 'Infinity', '-Infinity', '1e39']) {
      const e = await caught(readCsv({ text: `a,b\n1,2\n3,${bad}\n` }));
      expect(e).toBeInstanceOf(NonFiniteValueError);
      expect([e.row, e.column, e.line]).toEqual([1, 'b', 3]);
    }
  });

  it('non-numeric cells name the column to leave out', async () => {
    const e = await caught(readCsv(fixture('weather.csv'), { timestamp: 'date' }));
    expect(e).toBeInstanceOf(NotNumericError);
    expect([e.row, e.column]).toEqual([0, 'weather']);
    expect(e.message).toMatch(/Select only numeric columns/);
  });

  it('timestamps duplicated or going backwards', async () => {
    const dup = await caught(readCsv({ text: 'd,v\n2012-01-01,1\n2012-01-01,2\n' }, { timestamp: 'd' }));
    expect(dup).toBeInstanceOf(TimestampOrderError);
    expect(dup.code).toBe('E_TIMESTAMP_DUPLICATE');
    expect(dup.row).toBe(1);
    const back = await caught(readCsv({ text: 'd,v\n2012-01-02,1\n2012-01-03,1\n2012-01-01,2\n' }, { timestamp: 'd' }));
    expect(back.code).toBe('E_TIMESTAMP_NOT_INCREASING');
    expect(back.row).toBe(2);
  });

  it('empty files and header-only files', async () => {
    const e = await caught(readCsv(fixture('empty.csv')));
    expect(e).toBeInstanceOf(EmptyDataError);
    expect(e.code).toBe('E_EMPTY');
    const h = await caught(readCsv(fixture('header-only.csv')));
    expect(h).toBeInstanceOf(EmptyDataError);
    expect(h.message).toMatch(/header but no rows/);
  });

  it('ragged rows', async () => {
    const e = await caught(readCsv(fixture('ragged.csv'), { timestamp: 'date' }));
    expect(e).toBeInstanceOf(RaggedRowError);
    expect([e.row, e.line]).toEqual([1, 3]);
    expect(e.message).toMatch(/has 2 fields but the header has 3/);
  });

  it('unknown columns suggest the nearest', async () => {
    const e = await caught(readCsv(fixture('weather.csv'), { timestamp: 'date', columns: ['temperature', 'wnd'] }));
    expect(e).toBeInstanceOf(UnknownColumnError);
    expect(e.column).toBe('temperature');
    const w = await caught(readCsv(fixture('weather.csv'), { timestamp: 'date', columns: ['wnd'] }));
    expect((w as UnknownColumnError).suggestion).toBe('wind');
    const t = await caught(readCsv(fixture('weather.csv'), { timestamp: 'Date' }));
    expect((t as UnknownColumnError).suggestion).toBe('date');
  });

  it('malformed CSV and bad options', async () => {
    const q = await caught(readCsv({ text: 'a,b\n1,"2\n' }));
    expect(q).toBeInstanceOf(CsvParseError);
    expect(q.code).toBe('E_CSV_PARSE');
    await expect(readCsv({ text: 'a,a\n1,2\n' })).rejects.toThrow(/two columns named "a"/);
    await expect(readCsv({ text: 'a\n1\n' }, { columns: [] })).rejects.toThrow(/columns is empty/);
    await expect(readCsv({ text: 'd\n2012-01-01\n' }, { timestamp: 'd' })).rejects.toThrow(/no value columns/);
    await expect(readCsv({ text: 'a\n1\n' }, { chunkSize: 0 })).rejects.toThrow(/chunkSize/);
  });
});

describe('readCsvChunks (streaming)', () => {
  it('yields chunks of chunkSize rows with their first row numbers', async () => {
    const text = 'v\n' + Array.from({ length: 10 }, (_, i) => i).join('\n') + '\n';
    const chunks = await collect({ text }, { chunkSize: 4 });
    expect(chunks.map((c) => [c.firstRow, c.rows])).toEqual([[0, 4], [4, 4], [8, 2]]);
    expect(Array.from(chunks[1]!.data)).toEqual([4, 5, 6, 7]);
  });

  it('holds back rows only while a missing run awaits its right neighbour, across chunks', async () => {
    const vals = ['0', '1', '2', 'NA', 'NA', 'NA', '6', '7', '8', '9'];
    const chunks = await collect({ text: 'v\n' + vals.join('\n') + '\n' }, { chunkSize: 2, missing: 'interpolate' });
    expect(chunks.flatMap((c) => Array.from(c.data))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(chunks.every((c) => c.rows <= 2)).toBe(true);
    expect(chunks.map((c) => c.firstRow)).toEqual([0, 2, 4, 6, 8]);
  });

  it('streams: the first chunk arrives long before the source is exhausted, and stopping early stops reading', async () => {
    let produced = 0;
    const total = 200_000;
    async function* source(): AsyncGenerator<string> {
      yield 't,v\n';
      for (let i = 0; i < total; i += 1000) {
        let s = '';
        for (let j = i; j < i + 1000; j++) s += `${j},${j % 7}\n`;
        produced += 1000;
        yield s;
      }
    }
    let seenAtFirst = -1;
    let rows = 0;
    for await (const c of readCsvChunks(source(), { timestamp: { column: 't', parse: 'number' }, chunkSize: 1000 })) {
      if (seenAtFirst < 0) seenAtFirst = produced;
      rows += c.rows;
      if (rows >= 5000) break;
    }
    expect(seenAtFirst).toBeGreaterThan(0);
    expect(seenAtFirst).toBeLessThan(total / 4);
    expect(produced).toBeLessThan(total / 2);
  });
});

describe('CSV input checks (issue 19)', () => {
  const text = (t: string) => ({ text: t });
  const bytes = (b: Uint8Array) => ({
    async *[Symbol.asyncIterator]() {
      yield b;
    },
  });
  const ok = 'date,value\n2020-01-01,1\n2020-01-02,2\n';

  it('numbers follow one grammar: decimal with an optional exponent; 0x1A, 0b11, 0o17 are refused', async () => {
    const s = await readCsv(text('v\n12\n-0.5\n.5\n5.\n1e-3\n+2.5E+2\n'));
    expect(Array.from(s.column('v'))).toEqual([12, -0.5, 0.5, 5, Math.fround(1e-3), 250]);
    for (const bad of ['0x1A', '0b11', '0o17', '1_000', 'Infinity ', '1e', '--1', '0x']) {
      const err = await readCsv(text(`v\n1\n${bad}\n`)).catch((e: unknown) => e);
      expect(err, bad).toBeInstanceOf(RecurDataError);
      expect((err as RecurDataError).code, bad).toMatch(/^E_(NOT_NUMERIC|NON_FINITE)$/);
    }
    await expect(readCsv(text('v\n1\n0x1A\n'))).rejects.toThrow(/"0x1A" at row 1.*hexadecimal, octal and binary literals are not CSV numbers/);
  });

  it('NaN and inf only under a missing-value policy', async () => {
    await expect(readCsv(text('v\n1\nNaN\n3\n'))).rejects.toThrow(NonFiniteValueError);
    await expect(readCsv(text('v\n1\n-inf\n3\n'))).rejects.toThrow(/Value -Infinity at row 1/);
    const s = await readCsv(text('v\n1\nNaN\ninf\n4\n'), { missing: 'interpolate' });
    expect(Array.from(s.column('v'))).toEqual([1, 2, 3, 4]);
  });

  it('refuses UTF-16, UTF-32, gzip, zip, NUL bytes, invalid UTF-8 and JSON, saying what the input looks like', async () => {
    const enc = new TextEncoder().encode(ok);
    const utf16 = new Uint8Array([0xff, 0xfe, ...Array.from(enc).flatMap((b) => [b, 0])]);
    const cases: [Uint8Array, RegExp][] = [
      [utf16, /looks like UTF-16 LE text \(byte-order mark FF FE\)/],
      [new Uint8Array(Array.from(enc).flatMap((b) => [b, 0])), /UTF-16 LE text without a byte-order mark/],
      [new Uint8Array([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]), /UTF-32 LE/],
      [new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]), /gzip-compressed data \(magic 1F 8B\).*gunzip/],
      [new Uint8Array([0x50, 0x4b, 3, 4, 1, 2]), /zip archive/],
      [new Uint8Array([...enc.slice(0, 12), 0, ...enc.slice(12)]), /binary data \(a NUL byte at byte 12\)/],
      [new Uint8Array([...enc.slice(0, 12), 0xc3, 0x28, ...enc.slice(12)]), /invalid UTF-8/],
      [new TextEncoder().encode('  {"date": [1, 2], "value": [3, 4]}\n'), /looks like JSON/],
      [new TextEncoder().encode('[1, 2, 3]'), /looks like JSON/],
    ];
    for (const [b, pattern] of cases) {
      const err = await readCsv(bytes(b)).catch((e: unknown) => e);
      expect(err, String(pattern)).toBeInstanceOf(NotCsvError);
      expect((err as Error).message).toMatch(pattern);
    }
    // A UTF-8 byte-order mark is fine.
    const bom = await readCsv(bytes(new Uint8Array([0xef, 0xbb, 0xbf, ...enc])), { timestamp: 'date' });
    expect(Array.from(bom.column('value'))).toEqual([1, 2]);
  });

  it('csv-parse errors become CsvParseError with the source, line and field', async () => {
    const err = await readCsv(text('a,b\n1,2"x",3\n')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CsvParseError);
    expect((err as CsvParseError).line).toBe(2);
    expect((err as Error).message).toMatch(/^CSV input: Malformed CSV at row 0 \(file line 2\), field 2: Invalid Opening Quote/);
    await expect(readCsv(text('a,b\n1,"2\n3,4\n'))).rejects.toThrow(/Malformed CSV at row 0 \(file line 3\), field 2: Quote Not Closed/);
    await expect(readCsv(text('a,"b\n1,2\n'))).rejects.toThrow(/Malformed CSV at line 2, field 2: Quote Not Closed/);
  });
});
