// CSV of the dissemination report and of an issue's stats, in two variants: for people (UTF-8 with a byte-order mark
// so spreadsheets read accents right, headers in the reader's language, groups by name, rates as percentages) and for
// scripts (`csv-raw`: no mark, the JSON keys as headers, codes, rates as fractions).
import { groupName } from './groups.ts';
import type { Reference } from './reference.ts';
import { REPORT_COLUMNS, type DisseminationReport } from './report.ts';
import { fill, type ReportText } from './report-text.ts';
import { STATS_COLUMNS, type IssueStats } from './stats.ts';

export const BYTE_ORDER_MARK = '\uFEFF';

/** What a spreadsheet runs as a formula when a cell starts with it (OWASP's CSV injection list). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A value as a CSV cell: quoted when it holds a comma, quote or line break (RFC 4180), and text that a spreadsheet
 * would run as a formula gets a leading apostrophe, so it shows as typed. Numbers are written as they are.
 */
export const csvCell = (value: unknown) => {
  const raw = value === null || value === undefined ? '' : String(value);
  const text = typeof value === 'string' && FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export const csvLine = (values: readonly unknown[]) => values.map(csvCell).join(',');

/** RFC 4180 CSV: a header, one line per row, then the total. */
export function toCsv(rows: readonly object[], columns: readonly string[]): string {
  const line = (row: object) => columns.map((c) => csvCell((row as Record<string, unknown>)[c])).join(',');
  return [csvLine(columns), ...rows.map(line)].join('\r\n') + '\r\n';
}
export type CsvVariant = 'human' | 'raw';

/** A rate as people read it: `12.5 %`; empty where there is none. */
export const percent = (rate: number | null) => (rate === null ? '' : `${(rate * 100).toFixed(1)} %`);

const RATES = new Set(['deliveryRate', 'openRate', 'clickRate']);

/** Rows for people: the group's name under the grouping's header, the figures under theirs, rates as percentages. */
function humanCsv(rows: Record<string, unknown>[], groupHeader: string, columns: readonly string[], text: ReportText) {
  const headers = [groupHeader, ...columns.map((c) => text.columns[c] ?? c)];
  const cells = rows.map((row) =>
    Object.fromEntries([
      [groupHeader, row.name],
      ...columns.map((c) => [text.columns[c] ?? c, RATES.has(c) ? percent(row[c] as number | null) : row[c]]),
    ]),
  );
  return BYTE_ORDER_MARK + toCsv(cells, headers);
}

export function reportCsv(report: DisseminationReport, variant: CsvVariant, text: ReportText): string {
  const rows = [...report.rows, report.total];
  if (variant === 'raw') return toCsv(rows, REPORT_COLUMNS);
  return humanCsv(
    rows as unknown as Record<string, unknown>[],
    text.grouping[report.by],
    REPORT_COLUMNS.slice(2),
    text,
  );
}

export function statsCsv(
  stats: IssueStats,
  variant: CsvVariant,
  options: { reference: Reference; language: string; text: ReportText },
): string {
  const rows = [...stats.rows, stats.total];
  if (variant === 'raw') return toCsv(rows, STATS_COLUMNS);
  const { reference, language, text } = options;
  const named = rows.map((row) => ({
    ...row,
    name:
      row === stats.total
        ? text.total
        : groupName(reference, stats.by, row.key, language, (country) => fill(text.otherRegion, { country })),
  }));
  return humanCsv(named, text.grouping[stats.by], STATS_COLUMNS.slice(1), text);
}
