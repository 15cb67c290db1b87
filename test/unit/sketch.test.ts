// The people sketches: unions across issues count each person once, estimates stay within the sketch's error, and
// the recount and tracking fill the sketches of the right segments.
import { describe, expect, it } from 'vitest';
import { SketchTally, countPerson } from '../../functions/domain/people.ts';
import { addTo, emptySketch, estimate, mergeInto, SKETCH_ERROR, union } from '../../functions/domain/sketch.ts';
import type { DeliveryRecord } from '../../functions/domain/ports.ts';
import { fakePeopleSketches } from './fakes.ts';

const sketchOf = (ids: Iterable<string>) => {
  const sketch = emptySketch();
  for (const id of ids) addTo(sketch, id);
  return sketch;
};
const range = (from: number, to: number, prefix = 'sub-') =>
  Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);

describe('people sketches', () => {
  it('counts a few people exactly, and nobody as 0', () => {
    expect(estimate(emptySketch())).toBe(0);
    expect(estimate(sketchOf(['a']))).toBe(1);
    expect(estimate(sketchOf(range(0, 12)))).toBe(12);
  });

  it('estimates a few thousand people within three times the sketch error', () => {
    for (const n of [2_000, 5_000, 9_000]) {
      const found = estimate(sketchOf(range(0, n, `person-${n}-`)));
      expect(Math.abs(found - n) / n, `${n} people`).toBeLessThan(3 * SKETCH_ERROR);
    }
    expect(SKETCH_ERROR).toBeCloseTo(0.01625, 4);
  });

  it('counts a person once however many issues reached them', () => {
    // 12 issues to the same 3,000 people, and 1,000 more reached by the last one only.
    const issues = Array.from({ length: 12 }, (_, i) => sketchOf(range(0, i === 11 ? 4_000 : 3_000)));
    const reached = estimate(union(issues));
    expect(Math.abs(reached - 4_000) / 4_000).toBeLessThan(3 * SKETCH_ERROR);
    // Adding a person twice, or merging the same sketch again, changes nothing.
    const again = union(issues);
    expect(addTo(again, 'sub-1')).toBe(false);
    expect(mergeInto(again, issues[3]!)).toBe(false);
  });

  it('sketches recipients sent to, openers, and clickers who are not scanners, per region, language and both', async () => {
    const tally = new SketchTally();
    const record = (id: string, fields: Partial<DeliveryRecord> & { botClickedAt?: string }) => ({
      issueId: 'issue-1',
      subscriberId: id,
      status: 'sent' as const,
      country: 'BG',
      language: 'bg',
      region: 'Haskovo',
      claimedAt: '2025-03-26T09:00:00Z',
      ...fields,
    });
    tally.addRecord(record('a', { openedAt: 'x', clickedAt: 'x' }));
    tally.addRecord(record('b', { openedAt: 'x', clickedAt: 'x', botClickedAt: 'x' }));
    tally.addRecord(record('c', { status: 'failed' }));
    tally.addRecord(record('d', { language: 'en' }));
    const count = (dimension: string, key: string, kind: string) => {
      const found = tally.all().find((s) => s.dimension === dimension && s.key === key && s.kind === kind);
      return found ? estimate(found.registers) : 0;
    };
    expect(count('region', 'BG/Haskovo', 'recipients')).toBe(3);
    expect(count('region', 'BG/Haskovo', 'openers')).toBe(2);
    expect(count('region', 'BG/Haskovo', 'clickers')).toBe(1);
    expect(count('language', 'en', 'recipients')).toBe(1);
    expect(count('regionLanguage', 'BG/Haskovo/bg', 'recipients')).toBe(2);

    // Tracking's later open lands in the same sketches, as a union.
    const sketches = fakePeopleSketches();
    await sketches.merge('issue-1', tally.all());
    await countPerson({ sketches }, record('d', { language: 'en' }), 'openers');
    const [openers] = (await sketches.ofDimension('issue-1', 'region')).filter((s) => s.kind === 'openers');
    expect(estimate(openers!.registers)).toBe(3);
  });
});
