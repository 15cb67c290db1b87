// `herald export subscribers [--status S] [--country C] [--language L] [--region R] [--topic T] [--q TEXT]`: the
// subscribers as CSV from a running stack's API, page after page onto stdout (one file: the BOM and headers once).

export interface ExportCommandOptions {
  url: string;
  token: string;
  /** The list's filters, as the API takes them. */
  filters: Record<string, string | undefined>;
  out?: { write(chunk: Uint8Array): unknown };
  /** Told the rows written so far after each page (stderr, so stdout stays the file). */
  progress?: (rows: number) => void;
}

/** Writes every page of the export in order; throws with the API's message (a 400 naming the filter, a 403). */
export async function runExportCommand(options: ExportCommandOptions): Promise<number> {
  const out = options.out ?? process.stdout;
  const filters = Object.fromEntries(
    Object.entries(options.filters).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  let cursor: string | undefined;
  let rows = 0;
  do {
    const query = new URLSearchParams({ ...filters, ...(cursor && { cursor }) });
    const response = await fetch(`${options.url}/api/subscribers/export?${query}`, {
      headers: { authorization: `Bearer ${options.token}`, accept: 'text/csv' },
    });
    if (!response.ok) {
      const payload = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
      throw new Error(`${response.status}: ${payload.error?.message ?? 'request failed'}`);
    }
    // Bytes as they came: decoding would drop the byte-order mark that spreadsheets need.
    const page = new Uint8Array(await response.arrayBuffer());
    out.write(page);
    rows += Buffer.from(page).toString('utf8').split('\r\n').length - 1 - (cursor ? 0 : 1);
    options.progress?.(rows);
    cursor = response.headers.get('x-next-cursor') ?? undefined;
  } while (cursor);
  return rows;
}
