// CSV records from a request body, streamed through csv-parse a slice at a time (the parser holds a few records,
// never the whole file's): each record with the line it starts on, and a malformed one as an error in its place.
import { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import type { CsvRecord } from '../domain/subscriber-import.ts';

/** A record longer than this is not a subscriber (10 MB of garbage in one quoted "field" stops here). */
const MAX_RECORD_CHARS = 64 * 1024;
const SLICE_CHARS = 64 * 1024;

function* slices(text: string) {
  for (let i = 0; i < text.length; i += SLICE_CHARS) yield text.slice(i, i + SLICE_CHARS);
}

const newlines = (cells: string[]) => cells.reduce((n, cell) => n + (cell.split('\n').length - 1), 0);

export async function* csvRecords(text: string): AsyncGenerator<CsvRecord> {
  const parser = Readable.from(slices(text)).pipe(
    parse({
      info: true,
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      max_record_size: MAX_RECORD_CHARS,
    }),
  );
  const skipped: CsvRecord[] = [];
  parser.on('skip', (error: CsvError & { lines?: number }) => {
    skipped.push({ line: error.lines ?? 0, error: error.message.replace(/ at line \d+.*$/, '') });
  });
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield* skipped.splice(0);
    // `lines` is the record's last line; a quoted field across lines started earlier.
    yield { line: info.lines - newlines(record), cells: record };
  }
  yield* skipped.splice(0);
}
