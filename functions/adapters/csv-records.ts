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
  // The parser reports a skipped record as it finds it, ahead of the good records it still holds: each error waits
  // until the records before its line are out.
  const skipped: { line: number; error: string }[] = [];
  let unclosed: number | undefined;
  parser.on('skip', (error: CsvError & { lines?: number }) => {
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') unclosed = error.lines ?? 0;
    else skipped.push({ line: error.lines ?? 0, error: error.message.replace(/ at line \d+.*$/, '') });
  });
  let lastLine = 0;
  const errorsBefore = (line: number) => {
    const due = skipped.filter((s) => s.line < line).sort((a, b) => a.line - b.line);
    skipped.splice(0, skipped.length, ...skipped.filter((s) => s.line >= line));
    return due;
  };
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    // `lines` is the record's last line; a quoted field across lines started earlier.
    const line = info.lines - newlines(record);
    for (const error of errorsBefore(line)) {
      yield error;
      lastLine = Math.max(lastLine, error.line);
    }
    yield { line, cells: record };
    lastLine = info.lines;
  }
  for (const error of errorsBefore(Infinity)) {
    yield error;
    lastLine = Math.max(lastLine, error.line);
  }
  if (unclosed !== undefined) {
    // The parser read on to the end looking for the closing quote: say which lines that swallowed.
    yield {
      line: lastLine + 1,
      error: `a quote opened on this line or after it is never closed, so lines ${lastLine + 1} to ${unclosed} were not read; close the quote and import again`,
    };
  }
}
