import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';

/**
 * Byte chunks → decompressed byte chunks: gunzipped when the data starts with the gzip magic
 * (a `.gz` file as Upstox serves it), passed through otherwise (an HTTP client that already
 * undid `Content-Encoding: gzip`, as Kite's dump may arrive). Streaming with backpressure:
 * memory stays flat. A truncated gzip yields everything it could decompress, then fails.
 */
export async function* maybeGunzip(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < 2) {
    const n = await it.next();
    if (n.done) break;
    head = Buffer.concat([head, Buffer.from(n.value)]);
  }
  if (head.length === 0) return;
  const rest = (async function* () {
    yield head;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield Buffer.from(n.value);
    }
  })();
  if (head[0] === 0x1f && head[1] === 0x8b) yield* gunzip(rest);
  else yield* rest;
}

/** Resolves on the first of `events`, then removes its listeners (no pile-up across waits). */
function settled(emitter: NodeJS.EventEmitter, events: string[]): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const e of events) emitter.off(e, done);
      resolve();
    };
    for (const e of events) emitter.on(e, done);
  });
}

async function* gunzip(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const z = createGunzip();
  const out: Buffer[] = [];
  let failed: unknown;
  let ended = false;
  let wake = () => {};
  z.on('data', (b: Buffer) => {
    out.push(b);
    if (out.length >= 16) z.pause();
    wake();
  });
  z.on('error', (e) => {
    failed = e;
    wake();
  });
  z.on('end', () => {
    ended = true;
    wake();
  });
  void (async () => {
    try {
      for await (const chunk of input) {
        if (failed) return;
        if (!z.write(chunk)) await settled(z, ['drain', 'error', 'close']);
      }
      z.end();
    } catch (err) {
      z.destroy(err as Error);
    }
  })();
  for (;;) {
    const b = out.shift();
    if (b) {
      if (out.length < 4 && z.isPaused()) z.resume();
      yield b;
      continue;
    }
    if (failed) throw failed;
    if (ended) return;
    await new Promise<void>((r) => (wake = r));
  }
}

/** A failure of the byte stream itself (truncated gzip, connection lost), raised by the readers below. */
export class MasterStreamError extends Error {
  constructor(readonly reason: unknown) {
    super(reason instanceof Error ? reason.message : String(reason));
    this.name = 'MasterStreamError';
  }
}

/**
 * Text lines (without `\n` / `\r\n`) of a byte stream, numbered from 1. The last line is yielded
 * even without a final newline; `complete` says whether the file ended with one.
 */
export async function* textLines(source: AsyncIterable<Uint8Array>): AsyncGenerator<{ line: string; no: number; last: boolean }> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let no = 0;
  try {
    for await (const chunk of source) {
      const text = carry + decoder.write(Buffer.from(chunk));
      let start = 0;
      for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        yield { line: text.slice(start, end), no: ++no, last: false };
        start = nl + 1;
      }
      carry = text.slice(start);
    }
  } catch (err) {
    throw new MasterStreamError(err);
  }
  carry += decoder.end();
  if (carry !== '') yield { line: carry, no: ++no, last: true };
}

/**
 * The fields of one CSV line (RFC 4180 quoting within the line: `"a,b"`, `""` for a quote).
 * Undefined when a quote is left open.
 */
export function csvFields(line: string): string[] | undefined {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) return undefined;
  out.push(field);
  return out;
}

/** Why a JSON array stream is not one. */
export class JsonArrayError extends Error {
  constructor(
    /** 1-based index of the record being read when it failed (records.length + 1 at the end). */
    readonly record: number,
    message: string,
  ) {
    super(message);
    this.name = 'JsonArrayError';
  }
}

/**
 * The elements of a top-level JSON array of objects, one at a time, as their source text (to
 * JSON.parse one by one): a 100 MB array never becomes one string. Numbered from 1.
 */
export async function* jsonArrayRecords(source: AsyncIterable<Uint8Array>): AsyncGenerator<{ text: string; no: number }> {
  const decoder = new StringDecoder('utf8');
  let state: 'before' | 'between' | 'after' = 'before';
  let depth = 0; // inside the current element
  let inString = false;
  let escaped = false;
  let pending = '';
  let no = 0;
  const chunks = async function* () {
    try {
      for await (const chunk of source) yield decoder.write(Buffer.from(chunk));
    } catch (err) {
      throw new MasterStreamError(err);
    }
    yield decoder.end();
  };
  for await (const text of chunks()) {
    let start = depth > 0 ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (depth > 0) {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 92 /* \ */) escaped = true;
          else if (c === 34 /* " */) inString = false;
        } else if (c === 34) inString = true;
        else if (c === 123 /* { */ || c === 91 /* [ */) depth++;
        else if (c === 125 /* } */ || c === 93 /* ] */) {
          depth--;
          if (depth === 0) {
            yield { text: pending + text.slice(start, i + 1), no: ++no };
            pending = '';
            start = -1;
          }
        }
        continue;
      }
      if (c === 32 || c === 10 || c === 13 || c === 9) continue;
      if (state === 'before') {
        if (c !== 91) throw new JsonArrayError(1, 'the file is not a JSON array');
        state = 'between';
      } else if (state === 'between') {
        if (c === 44 /* , */) continue;
        if (c === 93) state = 'after';
        else if (c === 123) {
          depth = 1;
          start = i;
        } else throw new JsonArrayError(no + 1, `unexpected ${JSON.stringify(text[i])} between records`);
      } else throw new JsonArrayError(no + 1, 'data after the end of the array');
    }
    if (depth > 0) pending += text.slice(start);
  }
  if (state !== 'after') throw new JsonArrayError(no + 1, 'the file ends early: the JSON array is not closed (truncated?)');
}
