/**
 * Guards in front of the CSV parser: the bytes must be UTF-8 text, not binary data, another
 * encoding, a compressed file or JSON. {@link decodeCsvText} turns a stream of chunks into checked
 * UTF-8 strings and throws a {@link NotCsvError} that says what the input looks like.
 */
import { NotCsvError } from './errors';

interface Signature {
  readonly bytes: readonly number[];
  readonly looksLike: string;
  readonly hint: string;
}

const REENCODE = 'Re-save it as UTF-8 (for example `iconv -f UTF-16 -t UTF-8 in.csv > out.csv`, or "CSV UTF-8" in a spreadsheet).';

/** Magic numbers, longest first where one is a prefix of another (UTF-32 LE before UTF-16 LE). */
const SIGNATURES: readonly Signature[] = [
  { bytes: [0xff, 0xfe, 0x00, 0x00], looksLike: 'UTF-32 LE text (byte-order mark FF FE 00 00)', hint: REENCODE },
  { bytes: [0x00, 0x00, 0xfe, 0xff], looksLike: 'UTF-32 BE text (byte-order mark 00 00 FE FF)', hint: REENCODE },
  { bytes: [0xff, 0xfe], looksLike: 'UTF-16 LE text (byte-order mark FF FE)', hint: REENCODE },
  { bytes: [0xfe, 0xff], looksLike: 'UTF-16 BE text (byte-order mark FE FF)', hint: REENCODE },
  { bytes: [0x1f, 0x8b], looksLike: 'gzip-compressed data (magic 1F 8B)', hint: 'Decompress it first (`gunzip file.csv.gz`).' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], looksLike: 'a zip archive (magic "PK"; an .xlsx workbook is one)', hint: 'Unzip it, or export the sheet as CSV.' },
  { bytes: [0x42, 0x5a, 0x68], looksLike: 'bzip2-compressed data (magic "BZh")', hint: 'Decompress it first (`bunzip2`).' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], looksLike: 'xz-compressed data', hint: 'Decompress it first (`unxz`).' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], looksLike: 'zstd-compressed data', hint: 'Decompress it first (`unzstd`).' },
  { bytes: [0x25, 0x50, 0x44, 0x46], looksLike: 'a PDF document', hint: 'Export the table as CSV.' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], looksLike: 'a PNG image', hint: 'Give a CSV file.' },
  { bytes: [0x50, 0x41, 0x52, 0x31], looksLike: 'a Parquet file (magic "PAR1")', hint: 'Convert it to CSV.' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], looksLike: 'a legacy Office document (.xls)', hint: 'Export the sheet as CSV.' },
];

/** What the first bytes of an input look like, when they are a known non-CSV signature. */
export function sniffSignature(head: Uint8Array): Signature | undefined {
  return SIGNATURES.find((s) => s.bytes.length <= head.length && s.bytes.every((b, i) => head[i] === b));
}

/**
 * Decodes a stream of text or byte chunks as UTF-8 (a UTF-8 byte-order mark is dropped) and checks
 * it is CSV text: no known binary signature, no NUL byte, valid UTF-8, and not JSON.
 *
 * @param source Name of the input, for messages.
 * @throws {NotCsvError} saying what the input looks like.
 */
export async function* decodeCsvText(chunks: AsyncIterable<string | Uint8Array>, source: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0; // bytes (or UTF-16 units of string input) seen before this chunk
  let first = true;
  let sawText = false;
  for await (const chunk of chunks) {
    let text: string;
    if (typeof chunk === 'string') {
      text = first ? chunk.replace(/^\uFEFF/, '') : chunk;
    } else {
      if (first) {
        const sig = sniffSignature(chunk);
        if (sig !== undefined) throw new NotCsvError(source, sig.looksLike, sig.hint);
        // UTF-16 without a byte-order mark: every other byte of ASCII text is zero.
        if (chunk.length >= 4 && ((chunk[1] === 0 && chunk[3] === 0 && chunk[0] !== 0) || (chunk[0] === 0 && chunk[2] === 0 && chunk[1] !== 0))) {
          throw new NotCsvError(source, `UTF-16 ${chunk[1] === 0 ? 'LE' : 'BE'} text without a byte-order mark (every other byte is zero)`, REENCODE);
        }
      }
      const nul = chunk.indexOf(0);
      if (nul >= 0) throw new NotCsvError(source, `binary data (a NUL byte at byte ${offset + nul})`, 'Give a text CSV file.');
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch (cause) {
        void cause;
        throw new NotCsvError(source, `binary data or text in a legacy encoding (invalid UTF-8 within bytes ${offset}..${offset + chunk.length})`, 'Re-save it as UTF-8 CSV.');
      }
    }
    if (typeof chunk === 'string') {
      const nul = text.indexOf('\u0000');
      if (nul >= 0) throw new NotCsvError(source, `binary data (a NUL character at position ${offset + nul})`, 'Give text CSV.');
    }
    offset += chunk.length;
    first = false;
    if (!sawText) {
      const start = text.trimStart();
      if (start.length > 0) {
        sawText = true;
        if (start[0] === '{' || start[0] === '[') {
          throw new NotCsvError(source, 'JSON (it starts with "' + start[0] + '")', 'Convert it to CSV: a header row of column names, then one row of values per time step.');
        }
      }
    }
    if (text.length > 0) yield text;
  }
  try {
    const tail = decoder.decode();
    if (tail.length > 0) yield tail;
  } catch {
    throw new NotCsvError(source, 'text cut inside a UTF-8 character at its end (truncated, or not UTF-8)', 'Re-save it as UTF-8 CSV.');
  }
}
