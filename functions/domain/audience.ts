// An issue's audience: the selection (countries, regions, languages, topics), who it reaches and who it leaves out
// and why, counted from tallies kept per segment (country, language, region, status) and, in each, per topic set.
// Reading costs grow with segments and topic sets, never with subscribers; the fan-out applies the same rule.
import * as z from 'zod';
import { NotFoundError } from './errors.ts';
import type { IssueStore } from './ports.ts';
import { perReference, type Country, type Language, type Reference } from './reference.ts';

/** Within a field any of the values; across fields all must hold. Absent or empty: no narrowing. */
export interface AudienceSelection {
  countries?: Country[];
  regions?: string[];
  languages?: Language[];
  /** Subscribers who chose at least one of them (someone who chose no topic is left out of a topic selection). */
  topics?: string[];
}

/** What the selection needs to know of a subscriber. */
export interface AudienceMember {
  country: string;
  language: string;
  region: string;
  topics?: readonly string[];
  status: string;
}

export const audienceSelectionSchema = perReference((reference: Reference) => {
  const allRegions = new Set(reference.countryCodes.flatMap((c) => reference.regionsOf(c)));
  const oneOf = (allowed: readonly string[] | Set<string>, what: string) =>
    z
      .array(
        z
          .string()
          .max(100)
          .refine((v) => (allowed instanceof Set ? allowed.has(v) : allowed.includes(v)), {
            message: `must be one of the project's ${what}`,
          }),
      )
      .max(200)
      .optional();
  return z
    .strictObject({
      countries: oneOf(reference.countryCodes, 'countries'),
      regions: oneOf(allRegions, 'regions'),
      languages: oneOf(reference.languages, 'languages'),
      topics: oneOf(reference.topics, 'topics'),
    })
    .superRefine((s, ctx) => {
      // Fields narrow each other: a region of a country left out would select nobody.
      if (!s.countries?.length || !s.regions) return;
      const regions = new Set(s.countries.flatMap((c) => reference.regionsOf(c)));
      s.regions.forEach((region, i) => {
        if (!regions.has(region)) {
          ctx.addIssue({ code: 'custom', path: ['regions', i], message: 'is not a region of the countries chosen' });
        }
      });
    })
    .transform(normalizeSelection);
});

/** Empty lists dropped and values deduplicated: `{}` is every confirmed subscriber. */
export function normalizeSelection(selection: AudienceSelection): AudienceSelection {
  const out: AudienceSelection = {};
  for (const key of ['countries', 'regions', 'languages', 'topics'] as const) {
    const values = selection[key];
    if (values && values.length > 0) out[key] = [...new Set(values)].sort();
  }
  return out;
}

const anyOf = (allowed: readonly string[] | undefined, value: string) => !allowed || allowed.includes(value);

/** Whether a subscriber's country, language, region and topics fall in the selection (status apart). */
export function inSelection(selection: AudienceSelection | undefined, m: Omit<AudienceMember, 'status'>): boolean {
  if (!selection) return true;
  if (!anyOf(selection.countries, m.country) || !anyOf(selection.languages, m.language)) return false;
  if (!anyOf(selection.regions, m.region)) return false;
  const topics = selection.topics;
  return !topics || (m.topics ?? []).some((t) => topics.includes(t));
}

/** A set of topics as one key: the sorted, deduplicated list as JSON (`[]` for none). */
export const topicSetKey = (topics: readonly string[] | undefined) => JSON.stringify([...new Set(topics ?? [])].sort());
const topicsOfKey = (key: string): string[] => {
  const parsed: unknown = JSON.parse(key);
  return Array.isArray(parsed) ? parsed.map(String) : [];
};

/** One segment's subscribers by the set of topics they chose. */
export interface SegmentTally {
  country: Country;
  language: Language;
  region: string;
  status: string;
  /** Subscribers per topic set (topicSetKey). */
  byTopics: Record<string, number>;
}

export interface TallyIncrement {
  country: Country;
  language: Language;
  region: string;
  status: string;
  topics: string;
  n: number;
}

/** Adds `t` into `into`, summed per segment, status and topic set: many changes, a few writes. */
export function mergeTally(into: Map<string, TallyIncrement>, t: TallyIncrement) {
  const key = JSON.stringify([t.country, t.language, t.region, t.status, t.topics]);
  const known = into.get(key);
  if (known) known.n += t.n;
  else into.set(key, { ...t });
}

/**
 * The audience's tallies: subscribers per (country, language, region, status) and topic set. Kept by the subscriber
 * store in step with every write it makes (one atomic ADD per segment a change touches); read in one query.
 */
export interface AudienceTallies {
  add(increments: TallyIncrement[]): Promise<void>;
  all(): Promise<SegmentTally[]>;
}

const tallyOf = (m: AudienceMember, n: number): TallyIncrement => ({
  country: m.country,
  language: m.language,
  region: m.region,
  status: m.status,
  topics: topicSetKey(m.topics),
  n,
});
const sameTally = (a: TallyIncrement, b: TallyIncrement) =>
  a.country === b.country &&
  a.language === b.language &&
  a.region === b.region &&
  a.status === b.status &&
  a.topics === b.topics;

/** What one subscriber's change (before, after; undefined: none, or erased) does to the tallies. */
export function tallyChange(before: AudienceMember | undefined, after: AudienceMember | undefined): TallyIncrement[] {
  const out = before ? tallyOf(before, -1) : undefined;
  const into = after ? tallyOf(after, 1) : undefined;
  if (out && into && sameTally(out, into)) return [];
  return [out, into].filter((t): t is TallyIncrement => t !== undefined);
}

/** Why a subscriber gets no issue. Erased subscribers are gone and counted nowhere. */
export type ExclusionReason = 'unconfirmed' | 'unsubscribed' | 'suppressed' | 'outsideSelection';
const REASON_OF: Record<string, ExclusionReason> = {
  pending: 'unconfirmed',
  unsubscribed: 'unsubscribed',
  suppressed: 'suppressed',
};

export interface AudienceSummary {
  /** Confirmed subscribers in the selection: whom a send now reaches. */
  total: number;
  byLanguage: Record<Language, number>;
  byCountry: Record<Country, number>;
  /**
   * Everyone else: those in the selection by their status, and everyone outside it (whatever their status) as
   * `outsideSelection`.
   */
  excluded: Record<ExclusionReason, number>;
  /** The (country, language) segments with recipients, for the fan-out. */
  segments: { country: Country; language: Language; n: number }[];
}

/** Counts a selection's audience from the tallies: exact, since a topic set is counted whole (no estimate). */
export function summarizeAudience(
  reference: Reference,
  tallies: SegmentTally[],
  selection: AudienceSelection | undefined,
): AudienceSummary {
  const byLanguage: Record<string, number> = Object.fromEntries(reference.languages.map((l) => [l, 0]));
  const byCountry: Record<string, number> = Object.fromEntries(reference.countryCodes.map((c) => [c, 0]));
  const excluded: Record<ExclusionReason, number> = {
    unconfirmed: 0,
    unsubscribed: 0,
    suppressed: 0,
    outsideSelection: 0,
  };
  const segments = new Map<string, { country: Country; language: Language; n: number }>();
  let total = 0;
  for (const tally of tallies) {
    for (const [topics, n] of Object.entries(tally.byTopics)) {
      if (n <= 0) continue;
      const member = { ...tally, topics: topicsOfKey(topics) };
      if (!inSelection(selection, member)) {
        excluded.outsideSelection += n;
        continue;
      }
      const reason = REASON_OF[tally.status];
      if (reason) {
        excluded[reason] += n;
        continue;
      }
      if (tally.status !== 'confirmed') continue;
      total += n;
      byLanguage[tally.language] = (byLanguage[tally.language] ?? 0) + n;
      byCountry[tally.country] = (byCountry[tally.country] ?? 0) + n;
      const key = `${tally.country}/${tally.language}`;
      const segment = segments.get(key) ?? { country: tally.country, language: tally.language, n: 0 };
      segment.n += n;
      segments.set(key, segment);
    }
  }
  // In the profile's order, as the send plans them.
  const order = (s: { country: Country; language: Language }) =>
    reference.countryCodes.indexOf(s.country) * reference.languages.length + reference.languages.indexOf(s.language);
  return {
    total,
    byLanguage,
    byCountry,
    excluded,
    segments: [...segments.values()].sort((a, b) => order(a) - order(b)),
  };
}

/** An issue's audience now: `GET /api/issues/{id}/audience`, and what a send plans from. */
export async function audienceOf(
  deps: { tallies: Pick<AudienceTallies, 'all'>; reference: Reference },
  selection: AudienceSelection | undefined,
): Promise<AudienceSummary> {
  return summarizeAudience(deps.reference, await deps.tallies.all(), selection);
}

/** `GET /api/issues/{id}/audience`: the issue's selection and whom it reaches, as a send now would. */
export async function issueAudience(
  deps: { issues: Pick<IssueStore, 'get'>; tallies: Pick<AudienceTallies, 'all'>; reference: Reference },
  issueId: string,
) {
  const issue = await deps.issues.get(issueId);
  if (!issue) throw new NotFoundError(`issue ${issueId}`);
  const { segments: _segments, ...summary } = await audienceOf(deps, issue.audience);
  return { selection: issue.audience ?? {}, ...summary };
}

/**
 * Sets the confirmed subscribers' tallies to the subscribers the send index holds (a change lost when a process
 * stopped between its write and its tally). Reads every confirmed subscriber once, so it runs where nothing else
 * writes subscribers: the embedded stack's start. The other statuses are not in the index and are left as counted.
 */
export async function reconcileTallies(
  deps: {
    audience: {
      pages(
        country: Country,
        language: Language,
        pageSize: number,
      ): AsyncIterable<{ region: string; topics?: readonly string[] }[]>;
    };
    tallies: AudienceTallies;
    reference: Reference;
  },
  pageSize = 500,
): Promise<TallyIncrement[]> {
  const found = new Map<string, TallyIncrement>();
  for (const country of deps.reference.countryCodes) {
    for (const language of deps.reference.languages) {
      for await (const page of deps.audience.pages(country, language, pageSize)) {
        for (const m of page) {
          mergeTally(found, tallyOf({ ...m, country, language, status: 'confirmed' }, 1));
        }
      }
    }
  }
  for (const tally of await deps.tallies.all()) {
    if (tally.status !== 'confirmed') continue;
    const { country, language, region, status } = tally;
    for (const [topics, n] of Object.entries(tally.byTopics)) {
      mergeTally(found, { country, language, region, status, topics, n: -n });
    }
  }
  const corrections = [...found.values()].filter((t) => t.n !== 0);
  if (corrections.length > 0) await deps.tallies.add(corrections);
  return corrections;
}
