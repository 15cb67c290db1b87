// The dissemination report to the funder: for a period (issues by the day they were sent) and a grouping, the
// issues sent, the people reached, delivered, the people who opened and clicked (unique across the period's issues,
// estimated from the people sketches), the machine opens and bot clicks apart, and the audience's growth. Read from
// counters and sketches only: the cost grows with issues, segments and months, never with recipients.
import * as z from 'zod';
import { expectedGroups, groupName, groupPlan } from './groups.ts';
import { checkPeriod, growthByDay, periodShape, type GrowthCounters } from './growth.ts';
import type { IssueStore, PeopleSketches, SegmentCounter, SendCounters, SketchKind } from './ports.ts';
import type { Reference } from './reference.ts';
import { fill, type ReportText } from './report-text.ts';
import { emptySketch, estimate, mergeInto, SKETCH_ERROR, type Registers } from './sketch.ts';
import { GROUPINGS, regionOf, type Grouping, type StatsScope } from './stats.ts';
import { validate } from './validation.ts';

export { SKETCH_ERROR };

export interface ReportRow {
  key: string;
  /** The group's name in the report's language. */
  name: string;
  /** Issues of the period sent to anyone in the group. */
  issuesSent: number;
  /** People sent at least one issue of the period, each once (estimated). */
  peopleReached: number;
  /** Of them, people sent at least one measured email (they consented to measurement), each once (estimated). */
  peopleMeasured: number;
  /** Emails delivered (SES Delivery events), summed over the issues. */
  delivered: number;
  /** People (not machines) who opened at least one issue, each once (estimated). */
  openers: number;
  /** People (not scanners) who clicked a link of at least one issue, each once (estimated). */
  clickers: number;
  /** openers / peopleMeasured, clickers / peopleMeasured: among the measured only; null when no one was. */
  openRate: number | null;
  clickRate: number | null;
  /** Subscriptions confirmed in the period, unsubscribes in it, confirmed subscribers at its end. */
  newConfirmed: number;
  unsubscribes: number;
  subscribersAtEnd: number;
  /** Recipients whose email a machine fetched, and whose links a scanner followed, summed over the issues. */
  machineOpens: number;
  botClicks: number;
}

export interface DisseminationReport {
  from: string;
  to: string;
  by: Grouping;
  region?: string;
  issues: { id: string; title: string; sentAt: string }[];
  rows: ReportRow[];
  total: ReportRow;
}

/** A report row's figures, in the order every table of it shows them (after the group's key and name). */
export const REPORT_FIGURES = [
  'issuesSent',
  'peopleReached',
  'delivered',
  'openers',
  'clickers',
  'peopleMeasured',
  'openRate',
  'clickRate',
  'newConfirmed',
  'unsubscribes',
  'subscribersAtEnd',
  'machineOpens',
  'botClicks',
] as const satisfies readonly (keyof ReportRow)[];
export type ReportFigure = (typeof REPORT_FIGURES)[number];

export const REPORT_COLUMNS = ['key', 'name', ...REPORT_FIGURES] as const;

export interface ReportDeps {
  issues: Pick<IssueStore, 'list'>;
  counters: Pick<SendCounters, 'ofDimension'>;
  sketches: Pick<PeopleSketches, 'ofDimension'>;
  growth: Pick<GrowthCounters, 'months'>;
  reference: Reference;
  /** The report's words in a language of the profile's. */
  reportText(language: string): ReportText;
}

export const reportQuerySchema = z.object({
  ...periodShape,
  by: z.enum(GROUPINGS, { error: 'must be one of region, country, language' }).default('region'),
  lang: z.string().max(20).optional(),
});

const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

/** A group's figures being summed: sums of counters, unions of sketches. */
class Tally {
  readonly issues = new Set<string>();
  delivered = 0;
  machineOpens = 0;
  botClicks = 0;
  readonly people: Record<SketchKind, Registers> = {
    recipients: emptySketch(),
    measured: emptySketch(),
    openers: emptySketch(),
    clickers: emptySketch(),
  };

  count(issueId: string, counter: SegmentCounter) {
    if (counter.sent > 0) this.issues.add(issueId);
    this.delivered += counter.delivered;
    this.machineOpens += counter.machineOpens;
    this.botClicks += counter.botClicks;
  }

  merge(other: Tally) {
    for (const id of other.issues) this.issues.add(id);
    this.delivered += other.delivered;
    this.machineOpens += other.machineOpens;
    this.botClicks += other.botClicks;
    for (const kind of ['recipients', 'measured', 'openers', 'clickers'] as const) {
      mergeInto(this.people[kind], other.people[kind]);
    }
  }
}

function rowOf(
  key: string,
  name: string,
  tally: Tally,
  growth: { newConfirmed: number; unsubscribes: number; subscribersAtEnd: number },
): ReportRow {
  const peopleReached = estimate(tally.people.recipients);
  // An estimate may exceed its bound by its error: never more measured, openers or clickers than people reached.
  const peopleMeasured = Math.min(estimate(tally.people.measured), peopleReached);
  const openers = Math.min(estimate(tally.people.openers), peopleReached);
  const clickers = Math.min(estimate(tally.people.clickers), peopleReached);
  return {
    key,
    name,
    issuesSent: tally.issues.size,
    peopleReached,
    peopleMeasured,
    delivered: tally.delivered,
    openers,
    clickers,
    openRate: rate(openers, peopleMeasured),
    clickRate: rate(clickers, peopleMeasured),
    ...growth,
    machineOpens: tally.machineOpens,
    botClicks: tally.botClicks,
  };
}

/** The issues whose send ended within [from, to] (by the UTC day of sentAt), oldest first. */
async function issuesOf(deps: Pick<ReportDeps, 'issues'>, from: string, to: string) {
  return (await deps.issues.list())
    .filter((i): i is typeof i & { sentAt: string } => i.status === 'sent' && typeof i.sentAt === 'string')
    .filter((i) => i.sentAt.slice(0, 10) >= from && i.sentAt.slice(0, 10) <= to)
    .sort((a, b) => a.sentAt.localeCompare(b.sentAt))
    .map((i) => ({ id: i.id, title: i.title, sentAt: i.sentAt }));
}

/** `GET /api/reports/dissemination`: the report's figures, in the language `lang` names (else the source language). */
export async function disseminationReport(
  deps: ReportDeps,
  query: unknown,
  scope: StatsScope,
): Promise<DisseminationReport & { language: string }> {
  const { from, to, by, region: asked, lang } = validate(reportQuerySchema, query);
  checkPeriod(from, to);
  const region = regionOf(deps.reference, scope, asked);
  const language = deps.reference.negotiateLanguage(lang, undefined);
  const plan = groupPlan(by, region);
  const issues = await issuesOf(deps, from, to);

  const tallies = new Map<string, Tally>();
  const tallyOf = (group: string) => tallies.get(group) ?? tallies.set(group, new Tally()).get(group)!;
  const [perIssue, growth] = await Promise.all([
    Promise.all(
      issues.map(async (issue) => ({
        issue,
        counters: await deps.counters.ofDimension(issue.id, plan.dimension, plan.prefix),
        sketches: await deps.sketches.ofDimension(issue.id, plan.dimension, plan.prefix),
      })),
    ),
    growthByDay(deps, plan, from, to),
  ]);
  for (const { issue, counters, sketches } of perIssue) {
    for (const counter of counters) {
      const group = plan.groupOf(counter.key);
      if (group !== undefined) tallyOf(group).count(issue.id, counter);
    }
    for (const sketch of sketches) {
      const group = plan.groupOf(sketch.key);
      if (group !== undefined) mergeInto(tallyOf(group).people[sketch.kind], sketch.registers);
    }
  }

  const growthOf = (group: string) => {
    const days = growth.get(group) ?? [];
    return {
      newConfirmed: days.reduce((n, d) => n + d.signups, 0),
      unsubscribes: days.reduce((n, d) => n + d.unsubscribes, 0),
      subscribersAtEnd: days.at(-1)?.subscribers ?? 0,
    };
  };
  const text = deps.reportText(language);
  const nameOf = (key: string) =>
    groupName(deps.reference, by, key, language, (country) => fill(text.otherRegion, { country }));
  const keys = [
    ...new Set([...expectedGroups(deps.reference, by, region), ...tallies.keys(), ...growth.keys()]),
  ].sort();
  const rows = keys.map((key) => rowOf(key, nameOf(key), tallies.get(key) ?? new Tally(), growthOf(key)));

  const all = new Tally();
  for (const tally of tallies.values()) all.merge(tally);
  const totalGrowth = rows.reduce(
    (sum, r) => ({
      newConfirmed: sum.newConfirmed + r.newConfirmed,
      unsubscribes: sum.unsubscribes + r.unsubscribes,
      subscribersAtEnd: sum.subscribersAtEnd + r.subscribersAtEnd,
    }),
    { newConfirmed: 0, unsubscribes: 0, subscribersAtEnd: 0 },
  );
  return {
    from,
    to,
    by,
    ...(region && { region }),
    issues,
    rows,
    total: rowOf('total', text.total, all, totalGrowth),
    language,
  };
}
