// A stand-in for the report API of issue 16 (`/api/reports/dissemination`, `/api/stats/growth`) for the dashboard's
// browser tests while the route table has no such routes: answers in the contract's shapes, with made-up figures.
// Once the routes are in contracts/routes.ts, REPORT_API_SERVED is true and the tests use the real stack instead.
import { ROUTES } from '../../contracts/routes.ts';
import { secon } from './profile.ts';

export const REPORT_API_SERVED = Object.values(ROUTES).some(
  (spec: { path: string }) => spec.path === '/api/reports/dissemination',
);
export const REPORT_PATHS = /\/api\/(reports\/dissemination|stats\/growth)(\?|$)/;

export interface StubAnswer {
  status: number;
  contentType: string;
  body: Buffer;
  /** A download's name, as the API's Content-Disposition gives it. */
  fileName?: string;
}

const regionKeys = () => secon.countryCodes.flatMap((code) => secon.regionsOf(code).map((r) => `${code}/${r}`));
const keysOf = (by: string) =>
  by === 'country' ? [...secon.countryCodes] : by === 'language' ? [...secon.languages] : regionKeys();

/** Made-up but consistent figures for a group: the same key gives the same row. */
function row(key: string, i: number) {
  const delivered = 40 + ((i * 37) % 90);
  const openers = (i * 13) % delivered;
  const clickers = Math.floor(openers / 3);
  return {
    key,
    name: key,
    issuesSent: 2,
    peopleReached: Math.ceil(delivered / 2),
    delivered,
    openers,
    clickers,
    openRate: Math.round((openers / delivered) * 10_000) / 10_000,
    clickRate: Math.round((clickers / delivered) * 10_000) / 10_000,
    newConfirmed: i % 7,
    unsubscribes: i % 3,
    subscribersAtEnd: 30 + i * 4,
    machineOpens: i % 5,
    botClicks: i % 2,
  };
}

function totalOf(rows: ReturnType<typeof row>[]) {
  const sum = (field: keyof ReturnType<typeof row>) => rows.reduce((n, r) => n + (r[field] as number), 0);
  const delivered = sum('delivered');
  return {
    ...row('total', 0),
    name: 'Total',
    peopleReached: sum('peopleReached'),
    delivered,
    openers: sum('openers'),
    clickers: sum('clickers'),
    openRate: Math.round((sum('openers') / delivered) * 10_000) / 10_000,
    clickRate: Math.round((sum('clickers') / delivered) * 10_000) / 10_000,
    newConfirmed: sum('newConfirmed'),
    unsubscribes: sum('unsubscribes'),
    subscribersAtEnd: sum('subscribersAtEnd'),
    machineOpens: sum('machineOpens'),
    botClicks: sum('botClicks'),
  };
}

function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (
    let day = new Date(`${from}T00:00:00Z`);
    day <= new Date(`${to}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() + 1)
  ) {
    out.push(day.toISOString().slice(0, 10));
  }
  return out;
}

const json = (status: number, value: unknown): StubAnswer => ({
  status,
  contentType: 'application/json',
  body: Buffer.from(JSON.stringify(value)),
});

/** The stub's answer to a request; `region` is the coordinator's own, as the real API would scope it. */
export function stubAnswer(url: URL, accept: string, region?: string): StubAnswer {
  const q = url.searchParams;
  const from = q.get('from') ?? '';
  const to = q.get('to') ?? '';
  const by = q.get('by') ?? 'region';
  if (!/^\d{4}-\d\d-\d\d$/.test(from))
    return json(400, { error: { code: 'invalid', message: 'from: not a date', field: 'from' } });
  if (!/^\d{4}-\d\d-\d\d$/.test(to) || to < from) {
    return json(400, { error: { code: 'invalid', message: 'to: must be a date on or after from', field: 'to' } });
  }
  const keys = region ? [region] : keysOf(by);
  if (url.pathname.endsWith('/growth')) {
    const series = keys.map((key, i) => ({
      key,
      name: key,
      days: days(from, to).map((date, d) => ({
        date,
        subscribers: 20 + i + d,
        signups: (d + i) % 3,
        unsubscribes: (d + i) % 4 === 0 ? 1 : 0,
      })),
    }));
    return json(200, { from, to, by: 'region', series });
  }
  const rows = keys.map((key) => row(key, regionKeys().indexOf(key) + keysOf(by).indexOf(key) + 2));
  const report = {
    from,
    to,
    by,
    ...(region && { region }),
    issues: [{ id: 'stub', title: 'A stub issue', sentAt: `${from}T09:00:00.000Z` }],
    rows,
    total: totalOf(rows),
  };
  const format =
    q.get('format') ?? (accept.includes('text/csv') ? 'csv' : accept.includes('application/pdf') ? 'pdf' : 'json');
  const fileName = `STUB-report-${from}-${to}-by-${by}`;
  if (format === 'pdf') {
    const body = Buffer.from(`%PDF-1.4 stub ${from} ${to}\n`);
    return { status: 200, contentType: 'application/pdf', body, fileName: `${fileName}.pdf` };
  }
  if (format === 'csv' || format === 'csv-raw') {
    const lines = [...rows, report.total].map((r) => `${r.key},${r.peopleReached},${r.openRate}`);
    const text = `${format === 'csv' ? '\uFEFF' : ''}Group,People reached,Open rate\r\n${lines.join('\r\n')}\r\n`;
    return {
      status: 200,
      contentType: 'text/csv; charset=utf-8',
      body: Buffer.from(text),
      fileName: `${fileName}.csv`,
    };
  }
  return json(200, report);
}
