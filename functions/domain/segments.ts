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
    { dimension: 'region', key: `${country}/${region}` },
    { dimension: 'segment', key: `${country}/${language}` },
  ];
}

export type Increment = { dimension: Dimension; key: string; counts: Partial<SegmentCounts> };

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
