// Audience growth as counters: per UTC day and segment (region, language, region per language), the subscriptions
// confirmed (signups), the unsubscribes, and the net change of confirmed subscribers, from which the subscribers at
// the end of any day follow. The subscriber use cases (subscribers.ts) report each change of status or segment here,
// after the conditional write that made it; reading costs grows with months and segments, never with subscribers.
import * as z from 'zod';
import { ValidationError } from './errors.ts';
import { expectedGroups, groupName, groupPlan } from './groups.ts';
import { sketchSegments } from './people.ts';
import type { AudienceSource, Clock, SketchDimension } from './ports.ts';
import type { Reference } from './reference.ts';
import { fill, type ReportText } from './report-text.ts';
import { GROUPINGS, regionOf, type Grouping, type StatsScope } from './stats.ts';
import { validate } from './validation.ts';

/** What a day counts in one segment. */
export interface DayCounts {
  /** Subscriptions confirmed that day: a pending signup confirmed, or an unsubscribed person back. */
  signups: number;
  /** Confirmed subscribers who unsubscribed. */
  unsubscribes: number;
  /** Confirmed subscribers gained less those lost (unsubscribed, suppressed, erased, moved elsewhere). */
  net: number;
}

export interface GrowthIncrement {
  dimension: SketchDimension;
  key: string;
  /** YYYY-MM-DD, UTC. */
  day: string;
  counts: Partial<DayCounts>;
}

/** One segment's counts of one month: the days that changed, and the month's net change. */
export interface GrowthMonth {
  dimension: SketchDimension;
  key: string;
  /** YYYY-MM. */
  month: string;
  net: number;
  /** By day of the month (`01` to `31`). */
  days: Record<string, DayCounts>;
}

/** The growth counters, one item per (segment, month): one atomic write per segment a change touches. */
export interface GrowthCounters {
  add(increments: GrowthIncrement[]): Promise<void>;
  /** Every month of a dimension's keys starting with `keyPrefix`. */
  months(dimension: SketchDimension, keyPrefix: string): Promise<GrowthMonth[]>;
}

/** What growth needs to know of a subscriber before or after a change. */
export interface Member {
  status: string;
  country: string;
  region: string;
  language: string;
}

/**
 * The growth a change of one subscriber makes, from the record before and after it (undefined: none, or erased):
 * joining the confirmed is a signup, leaving them loses one (an unsubscribe counted as such), and a confirmed
 * subscriber who moves region or language leaves one segment for another.
 */
export function growthOfChange(before: Member | undefined, after: Member | undefined, at: Date): GrowthIncrement[] {
  const day = at.toISOString().slice(0, 10);
  const was = before?.status === 'confirmed' ? before : undefined;
  const is = after?.status === 'confirmed' ? after : undefined;
  const segments = (m: Member) => sketchSegments(m.country, m.language, m.region);
  const increments: GrowthIncrement[] = [];
  if (was) {
    const unsubscribed = after?.status === 'unsubscribed';
    const stays = new Set(is ? segments(is).map((s) => `${s.dimension}#${s.key}`) : []);
    for (const s of segments(was)) {
      if (stays.has(`${s.dimension}#${s.key}`)) continue;
      increments.push({ ...s, day, counts: { net: -1, ...(unsubscribed && { unsubscribes: 1 }) } });
    }
  }
  if (is) {
    const stayed = new Set(was ? segments(was).map((s) => `${s.dimension}#${s.key}`) : []);
    for (const s of segments(is)) {
      if (stayed.has(`${s.dimension}#${s.key}`)) continue;
      increments.push({ ...s, day, counts: { net: 1, ...(!was && { signups: 1 }) } });
    }
  }
  return increments;
}

const DAY_MS = 86_400_000;
/** Ten years of days: longer periods are refused (a mistyped year), not computed. */
export const MAX_PERIOD_DAYS = 3_660;

const isoDay = z.iso.date({ error: 'must be a date written YYYY-MM-DD' });
export const periodShape = {
  from: isoDay,
  to: isoDay,
  region: z.string().min(1).max(100).optional(),
};

/** Checks a period: from on or before to, at most MAX_PERIOD_DAYS. */
export function checkPeriod(from: string, to: string) {
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (days < 1) throw new ValidationError('to', 'must be on or after from');
  if (days > MAX_PERIOD_DAYS) throw new ValidationError('to', `must be at most ${MAX_PERIOD_DAYS} days after from`);
}

/** Each day from `from` to `to`, inclusive. */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

export interface GrowthDay {
  date: string;
  /** Confirmed subscribers at the end of the day. */
  subscribers: number;
  signups: number;
  unsubscribes: number;
}

/** Per group, each day of the period: the subscribers at its end, the signups and unsubscribes in it. */
export async function growthByDay(
  deps: { growth: Pick<GrowthCounters, 'months'> },
  plan: ReturnType<typeof groupPlan>,
  from: string,
  to: string,
): Promise<Map<string, GrowthDay[]>> {
  const months = await deps.growth.months(plan.dimension, plan.prefix);
  const days = daysOf(from, to);
  const before = from.slice(0, 7);
  const byGroup = new Map<string, { base: number; counts: Map<string, DayCounts> }>();
  for (const m of months) {
    const group = plan.groupOf(m.key);
    if (group === undefined || m.month > to.slice(0, 7)) continue;
    const found = byGroup.get(group) ?? { base: 0, counts: new Map<string, DayCounts>() };
    byGroup.set(group, found);
    // Months before the period's first only set where it starts; its own month's days before `from` too.
    if (m.month < before) {
      found.base += m.net;
      continue;
    }
    for (const [dd, c] of Object.entries(m.days)) {
      const date = `${m.month}-${dd}`;
      if (date < from) found.base += c.net;
      else if (date <= to) {
        const into = found.counts.get(date) ?? { signups: 0, unsubscribes: 0, net: 0 };
        into.signups += c.signups;
        into.unsubscribes += c.unsubscribes;
        into.net += c.net;
        found.counts.set(date, into);
      }
    }
  }
  const series = new Map<string, GrowthDay[]>();
  for (const [group, { base, counts }] of byGroup) {
    let subscribers = base;
    series.set(
      group,
      days.map((date) => {
        const c = counts.get(date);
        subscribers += c?.net ?? 0;
        return { date, subscribers, signups: c?.signups ?? 0, unsubscribes: c?.unsubscribes ?? 0 };
      }),
    );
  }
  return series;
}

export interface GrowthSeries {
  from: string;
  to: string;
  by: Grouping;
  region?: string;
  series: { key: string; name: string; days: GrowthDay[] }[];
}

export interface GrowthDeps {
  growth: Pick<GrowthCounters, 'months'>;
  reference: Reference;
  /** The report's words in a language of the profile's. */
  reportText(language: string): Pick<ReportText, 'otherRegion'>;
}

const growthQuerySchema = z.object({
  ...periodShape,
  by: z.enum(GROUPINGS, { error: 'must be one of region, country, language' }).default('region'),
  lang: z.string().max(20).optional(),
});

/** `GET /api/stats/growth`: subscribers, signups and unsubscribes per day and group, from the growth counters. */
export async function growthSeries(deps: GrowthDeps, query: unknown, scope: StatsScope): Promise<GrowthSeries> {
  const { from, to, by, region: asked, lang } = validate(growthQuerySchema, query);
  checkPeriod(from, to);
  const region = regionOf(deps.reference, scope, asked);
  const language = deps.reference.negotiateLanguage(lang, undefined);
  const byGroup = await growthByDay(deps, groupPlan(by, region), from, to);
  const empty = () => daysOf(from, to).map((date) => ({ date, subscribers: 0, signups: 0, unsubscribes: 0 }));
  const keys = [...new Set([...expectedGroups(deps.reference, by, region), ...byGroup.keys()])].sort();
  return {
    from,
    to,
    by,
    ...(region && { region }),
    series: keys.map((key) => ({
      key,
      name: groupName(deps.reference, by, key, language, (country) =>
        fill(deps.reportText(language).otherRegion, { country }),
      ),
      days: byGroup.get(key) ?? empty(),
    })),
  };
}

/**
 * Sets the growth counters' level of confirmed subscribers to the subscribers confirmed now, per region, language
 * and both: a count that a stopped process left out (between its state write and its counter) is put right on
 * today's net change, never as a signup or an unsubscribe. It reads every confirmed subscriber once (the send
 * index, page by page), so it runs where nothing else writes subscribers: the embedded stack's start.
 */
export async function reconcileGrowth(
  deps: { audience: Pick<AudienceSource, 'pages'>; growth: GrowthCounters; reference: Reference; clock: Clock },
  pageSize = 500,
): Promise<GrowthIncrement[]> {
  const confirmed = new Map<string, number>();
  for (const country of deps.reference.countryCodes) {
    for (const language of deps.reference.languages) {
      for await (const page of deps.audience.pages(country, language, pageSize)) {
        for (const r of page) {
          for (const s of sketchSegments(country, language, r.region)) {
            const id = `${s.dimension}#${s.key}`;
            confirmed.set(id, (confirmed.get(id) ?? 0) + 1);
          }
        }
      }
    }
  }
  const counted = new Map<string, number>();
  for (const dimension of ['region', 'language', 'regionLanguage'] as const) {
    for (const m of await deps.growth.months(dimension, '')) {
      const id = `${dimension}#${m.key}`;
      counted.set(id, (counted.get(id) ?? 0) + m.net);
    }
  }
  const day = deps.clock.now().toISOString().slice(0, 10);
  const corrections = [...new Set([...confirmed.keys(), ...counted.keys()])].flatMap((id) => {
    const net = (confirmed.get(id) ?? 0) - (counted.get(id) ?? 0);
    const [dimension, key] = [id.slice(0, id.indexOf('#')) as SketchDimension, id.slice(id.indexOf('#') + 1)];
    return net === 0 ? [] : [{ dimension, key, day, counts: { net } }];
  });
  if (corrections.length > 0) await deps.growth.add(corrections);
  return corrections;
}

/** Sums growth increments per segment and day, so a thousand imported subscribers cost a few counter writes. */
export function mergeGrowth(into: Map<string, GrowthIncrement>, increments: GrowthIncrement[]) {
  for (const inc of increments) {
    const key = `${inc.dimension}#${inc.key}#${inc.day}`;
    const held = into.get(key);
    if (!held) into.set(key, { ...inc, counts: { ...inc.counts } });
    else {
      const counts = held.counts as Record<string, number>;
      for (const [name, n] of Object.entries(inc.counts)) counts[name] = (counts[name] ?? 0) + (n ?? 0);
    }
  }
}
