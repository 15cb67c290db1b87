// `herald stats <issue> --by region|country|language`: an issue's figures from a running stack's stats API,
// as a table (or CSV with --csv).
import type { IssueStats, StatsRow } from '../functions/domain/stats.ts';
import { formatTable } from './table.ts';

export interface StatsCommandOptions {
  issueId: string;
  by: string;
  url: string;
  token: string;
  region?: string;
  csv?: boolean;
  out?: { write(text: string): unknown };
}

const COLUMNS = [
  'recipients',
  'sent',
  'delivered',
  'bounced',
  'complained',
  'uniqueOpens',
  'machineOpens',
  'uniqueClicks',
  'botClicks',
  'unsubscribed',
  'openRate',
  'clickRate',
] as const;

const percent = (rate: number | null) => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);

export function statsTable(stats: Pick<IssueStats, 'rows' | 'total' | 'by'>): string {
  const line = ({ key, deliveryRate, ...row }: StatsRow) => ({
    ...row,
    [stats.by]: key,
    deliveryRate: percent(deliveryRate),
    openRate: percent(row.openRate),
    clickRate: percent(row.clickRate),
  });
  return formatTable([...stats.rows, stats.total].map(line), [stats.by, ...COLUMNS]);
}

/** Prints the table; throws with the API's message (a 404 naming the issue, a 400 naming `by`, a 403). */
export async function runStatsCommand(options: StatsCommandOptions): Promise<void> {
  const out = options.out ?? process.stdout;
  const query = new URLSearchParams({ by: options.by, ...(options.region && { region: options.region }) });
  const response = await fetch(`${options.url}/api/issues/${encodeURIComponent(options.issueId)}/stats?${query}`, {
    headers: { authorization: `Bearer ${options.token}`, accept: options.csv ? 'text/csv' : 'application/json' },
  });
  if (!response.ok) {
    const payload = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    throw new Error(`${response.status}: ${payload.error?.message ?? 'request failed'}`);
  }
  if (options.csv) {
    out.write(await response.text());
    return;
  }
  const stats = (await response.json()) as IssueStats;
  const scope = stats.region ? ` in ${stats.region}` : '';
  out.write(`${stats.title} (${stats.issueId}, ${stats.status})${scope}, by ${stats.by}\n\n${statsTable(stats)}\n`);
  out.write('\nOpen and click rates: people (not machines) who opened or clicked, per delivered email.\n');
}
