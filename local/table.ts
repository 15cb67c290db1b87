// Prints rows as an aligned plain-text table (numbers right-aligned), for the CLI.
export function formatTable(rows: Record<string, string | number>[], columns: string[]): string {
  const cell = (row: Record<string, string | number>, column: string) => String(row[column] ?? '');
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r, c).length)));
  const line = (values: string[], numeric: boolean[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const numeric = columns.map((c) => rows.every((r) => typeof r[c] === 'number'));
  return [
    line(columns, numeric),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map((r) =>
      line(
        columns.map((c) => cell(r, c)),
        numeric,
      ),
    ),
  ].join('\n');
}
