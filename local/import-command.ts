// `herald import subscribers <file>`: sends a CSV file to a running stack's import route (the same as the editor
// app's), in parts of at most IMPORT_PART_BYTES cut between records, each with the header (a request in AWS takes
// 6 MB at most); prints each part's progress, then the totals and the rows at fault with their lines in the file.
import { readFile } from 'node:fs/promises';
import { IMPORT_PART_BYTES } from '../contracts/limits.ts';
import type { ImportReport } from '../functions/domain/subscriber-import.ts';

export interface ImportCommandOptions {
  file: string;
  url: string;
  token: string;
  /** The route's query: mode, dryRun, source, consentDate, proof, language, country, map.<field>. */
  query: Record<string, string>;
  partBytes?: number;
  out?: { write(text: string): unknown };
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;

/**
 * Where the file can be cut: after a line feed outside quotes (a quoted field may hold line feeds). Parts of at most
 * `maxBytes` (a longer record makes a part of its own), each with the line its first record starts on.
 */
export function splitCsv(bytes: Buffer, maxBytes: number): { header: Buffer; parts: { body: Buffer; line: number }[] } {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const ends: number[] = [];
  let quoted = false;
  for (let i = bom; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (byte === QUOTE) quoted = !quoted;
    else if (byte === NEWLINE && !quoted) ends.push(i + 1);
  }
  if (ends.at(-1) !== bytes.length) ends.push(bytes.length);
  const headerEnd = ends.shift() ?? bytes.length;
  const header = bytes.subarray(bom, headerEnd);
  const parts: { body: Buffer; line: number }[] = [];
  let start = headerEnd;
  let line = 2;
  let cut = start;
  const close = () => {
    const body = bytes.subarray(start, cut);
    parts.push({ body, line });
    for (const byte of body) if (byte === NEWLINE) line += 1;
    start = cut;
  };
  for (const end of ends) {
    if (end - start + header.length > maxBytes && cut > start) close();
    cut = end;
  }
  if (cut > start) close();
  return { header, parts };
}

export async function runImportCommand(options: ImportCommandOptions): Promise<boolean> {
  const out = options.out ?? process.stdout;
  const bytes = await readFile(options.file);
  const { header, parts } = splitCsv(bytes, options.partBytes ?? IMPORT_PART_BYTES);
  if (parts.length === 0) parts.push({ body: Buffer.alloc(0), line: 2 });
  const query = new URLSearchParams(options.query);
  const total = { rows: 0, imported: 0, mailed: 0, skipped: 0, errors: 0 };
  const listed: { line: number; text: string }[] = [];
  let preview: ImportReport['preview'] = [];
  for (const [i, part] of parts.entries()) {
    const response = await fetch(`${options.url}/api/subscribers/import?${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'text/csv; charset=utf-8' },
      body: new Blob([new Uint8Array(header), new Uint8Array(part.body)]),
    });
    const report = (await response.json()) as ImportReport & { error?: { message: string } };
    if (!response.ok) {
      const done = i > 0 ? ` (parts 1 to ${i} were imported: ${total.imported} subscribers)` : '';
      throw new Error(`${response.status}: ${report.error?.message ?? 'the import failed'}${done}`);
    }
    // A part's lines count its own header as line 1; in the file its first record is on `part.line`.
    const fileLine = (line: number) => line - 2 + part.line;
    if (i === 0) preview = report.preview;
    total.rows += report.rows;
    total.imported += report.imported;
    total.mailed += report.mailed;
    total.skipped += report.skippedCount;
    total.errors += report.errorCount;
    for (const e of report.errors) listed.push({ line: fileLine(e.line), text: `${e.field}: ${e.message}` });
    for (const s of report.skipped)
      listed.push({ line: fileLine(s.line), text: `skipped (${s.reason}): ${s.message}` });
    out.write(
      `part ${i + 1}/${parts.length}: ${total.rows} rows read, ${total.imported} ${report.dryRun ? 'to import' : 'imported'}` +
        `${options.query.mode === 'confirm' ? `, ${total.mailed} mailed` : ''}, ${total.skipped} skipped, ${total.errors} errors\n`,
    );
  }
  if (options.query.dryRun === 'true' && preview.length > 0) {
    out.write('\nThe first rows as the columns map them:\n');
    for (const row of preview) out.write(`  ${JSON.stringify(row)}\n`);
  }
  const shown = listed.sort((a, b) => a.line - b.line).slice(0, 50);
  if (shown.length > 0) out.write('\n');
  for (const item of shown) out.write(`line ${item.line}: ${item.text}\n`);
  if (listed.length > shown.length) out.write(`... and ${listed.length - shown.length} more\n`);
  out.write(
    `\n${options.query.dryRun === 'true' ? 'Dry run: nothing was written. ' : ''}` +
      `${total.rows} rows: ${total.imported} ${options.query.dryRun === 'true' ? 'would be imported' : 'imported'}, ` +
      `${total.skipped} skipped, ${total.errors} with errors.\n`,
  );
  return total.errors === 0;
}
