// `herald report --from --to [--by region] [--region R] [--lang L] [--csv] [--pdf file]`: the dissemination report
// from a running stack's API, as a table, CSV for people, or a PDF written to a file.
import { writeFileSync } from 'node:fs';
import { REPORT_FIGURES, type DisseminationReport, type ReportRow } from '../functions/domain/report.ts';
import { formatTable } from './table.ts';

export interface ReportCommandOptions {
  from: string;
  to: string;
  by: string;
  url: string;
  token: string;
  region?: string;
  lang?: string;
  csv?: boolean;
  pdf?: string;
  out?: { write(text: string): unknown };
}

const percent = (rate: number | null) => (rate === null ? '-' : `${(rate * 100).toFixed(1)} %`);

export function reportTable(report: Pick<DisseminationReport, 'rows' | 'total' | 'by'>): string {
  const line = (row: ReportRow) => ({
    ...row,
    [report.by]: row.name,
    openRate: percent(row.openRate),
    clickRate: percent(row.clickRate),
  });
  return formatTable([...report.rows, report.total].map(line), [report.by, ...REPORT_FIGURES]);
}

/** Prints the table (or CSV), or writes the PDF; throws with the API's message (a 400 naming the field, a 403). */
export async function runReportCommand(options: ReportCommandOptions): Promise<void> {
  const out = options.out ?? process.stdout;
  const format = options.pdf ? 'pdf' : options.csv ? 'csv' : 'json';
  const query = new URLSearchParams({
    from: options.from,
    to: options.to,
    by: options.by,
    format,
    ...(options.region && { region: options.region }),
    ...(options.lang && { lang: options.lang }),
  });
  const response = await fetch(`${options.url}/api/reports/dissemination?${query}`, {
    headers: { authorization: `Bearer ${options.token}` },
  });
  if (!response.ok) {
    const payload = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    throw new Error(`${response.status}: ${payload.error?.message ?? 'request failed'}`);
  }
  if (options.pdf) {
    writeFileSync(options.pdf, Buffer.from(await response.arrayBuffer()));
    out.write(`wrote ${options.pdf}\n`);
    return;
  }
  if (options.csv) {
    out.write(await response.text());
    return;
  }
  const report = (await response.json()) as DisseminationReport;
  const scope = report.region ? ` in ${report.region}` : '';
  out.write(
    `Dissemination report ${report.from} to ${report.to}${scope}, by ${report.by}: ${report.issues.length} issue(s)\n\n`,
  );
  out.write(`${reportTable(report)}\n`);
  out.write(
    '\nPeople reached, openers and clickers count each person once across the issues (estimates, about 1.6 % error);\n' +
      'rates are per person reached; machine opens and bot clicks are apart.\n',
  );
}
