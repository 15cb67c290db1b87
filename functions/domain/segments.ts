// The segments an issue's counters are kept for: the total, each country, language, region, and each
// (country, language) pair, the unit the audience is read and sent in.
import type { Dimension, SegmentCounts } from './ports.ts';

export interface Segment {
  dimension: Dimension;
  key: string;
}

export function segmentsOf(country: string, language: string, region: string): Segment[] {
  return [
    { dimension: 'total', key: 'all' },
    { dimension: 'country', key: country },
    { dimension: 'language', key: language },
    { dimension: 'region', key: regionKey(country, region) },
    { dimension: 'segment', key: `${country}/${language}` },
    { dimension: 'regionLanguage', key: `${country}/${region}/${language}` },
  ];
}

export type Increment = { dimension: Dimension; key: string; counts: Partial<SegmentCounts> };

/** Increments to the same counter summed into one, so a batch costs one write per counter it touches. */
export function mergeIncrements(increments: readonly Increment[]): Increment[] {
  const merged = new Map<string, Increment>();
  for (const { dimension, key, counts } of increments) {
    const id = `${dimension}#${key}`;
    const into = merged.get(id) ?? { dimension, key, counts: {} };
    for (const [name, n] of Object.entries(counts) as [keyof SegmentCounts, number][]) {
      into.counts[name] = (into.counts[name] ?? 0) + n;
    }
    merged.set(id, into);
  }
  return [...merged.values()];
}

/** The region's key in counters: regions are named per country (`BG/Haskovo`, `BG/other`). */
export const regionKey = (country: string, region: string) => `${country}/${region}`;

/** Hours after sending that the timeline counts first opens and clicks in. */
export const TIMELINE_HOURS = 72;
const hourKey = (hour: number) => String(hour).padStart(2, '0');

/** Counter increments of one recipient's first open or click in the timeline: the total's and the region's. */
export function hourIncrements(
  country: string,
  region: string,
  hour: number,
  name: 'uniqueOpens' | 'uniqueClicks',
): { dimension: Dimension; key: string; counts: Partial<SegmentCounts> }[] {
  if (hour < 0 || hour >= TIMELINE_HOURS) return [];
  return ['all', regionKey(country, region)].map((scope) => ({
    dimension: 'hour' as const,
    key: `${scope}/${hourKey(hour)}`,
    counts: { [name]: 1 },
  }));
}

/** Counter increments for recipients of one (country, language): `name` once per recipient, per segment. */
export function countIncrements(
  country: string,
  language: string,
  regions: readonly string[],
  name: keyof SegmentCounts,
): Increment[] {
  const perRegion = new Map<string, number>();
  for (const region of regions) perRegion.set(region, (perRegion.get(region) ?? 0) + 1);
  return regionIncrements(country, language, perRegion, name);
}

/** The same from a count per region. */
export function regionIncrements(
  country: string,
  language: string,
  perRegion: ReadonlyMap<string, number>,
  name: keyof SegmentCounts,
): Increment[] {
  const totals = new Map<string, Segment & { n: number }>();
  for (const [region, n] of perRegion) {
    for (const segment of segmentsOf(country, language, region)) {
      const id = `${segment.dimension}#${segment.key}`;
      const found = totals.get(id) ?? { ...segment, n: 0 };
      found.n += n;
      totals.set(id, found);
    }
  }
  return [...totals.values()].map(({ dimension, key, n }) => ({ dimension, key, counts: { [name]: n } }));
}
