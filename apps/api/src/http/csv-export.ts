import type { FastifyReply } from 'fastify';
import { pipeline, Transform } from 'node:stream';
import { stringify } from 'csv-stringify';

/**
 * A cell a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a carriage
 * return) is prefixed with `'` so it stays text; null is an empty cell. Every CSV export uses it.
 */
export const defuse = (s: string | null): string => (s === null ? '' : /^[=+\-@\t\r]/.test(s) ? `'${s}` : s);

/**
 * Streams `stream`'s rows as CSV (a header of `columns`, one record per row by `toRecord`) as the
 * download `name-<time>.csv`; memory stays flat for any size. `done` releases the stream's
 * connection when the pipeline ends or the client goes away, whichever is first.
 */
export function sendCsv<R>(
  reply: FastifyReply,
  name: string,
  columns: string[],
  { stream, done }: { stream: NodeJS.ReadableStream; done: () => void },
  toRecord: (row: R) => (string | number)[],
): void {
  const records = new Transform({
    objectMode: true,
    transform(row: R, _enc, cb) {
      cb(null, toRecord(row));
    },
  });
  const csv = pipeline(stream, records, stringify({ header: true, columns }), () => done());
  reply.raw.on('close', () => done());
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  void reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}-${stamp}.csv"`)
    .send(csv);
}
