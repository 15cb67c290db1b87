// Who an issue reached, and who of them opened and clicked, as people sketches per segment (functions/domain/sketch.ts):
// built from the delivery records when a send's end check recounts them, and raised by tracking for every first open
// or click that comes later. The report unions them across issues to count each person once.
import type { DeliveryRecord, PeopleSketch, PeopleSketches, SketchDimension, SketchKind } from './ports.ts';
import { regionKey } from './progress.ts';
import { emptySketch, registerOf } from './sketch.ts';

/** The sketches a person of (country, language, region) is counted in: country and total are unions of regions. */
export function sketchSegments(
  country: string,
  language: string,
  region: string,
): { dimension: SketchDimension; key: string }[] {
  return [
    { dimension: 'region', key: regionKey(country, region) },
    { dimension: 'language', key: language },
    { dimension: 'regionLanguage', key: `${country}/${region}/${language}` },
  ];
}

/** Sketches being filled in memory, one per (dimension, key, kind). */
export class SketchTally {
  private readonly sketches = new Map<string, PeopleSketch>();

  add(person: Pick<DeliveryRecord, 'subscriberId' | 'country' | 'language' | 'region'>, kinds: SketchKind[]) {
    if (kinds.length === 0) return;
    const { index, rank } = registerOf(person.subscriberId);
    for (const { dimension, key } of sketchSegments(person.country, person.language, person.region)) {
      for (const kind of kinds) {
        const id = `${dimension}#${key}#${kind}`;
        let sketch = this.sketches.get(id);
        if (!sketch) {
          sketch = { dimension, key, kind, registers: emptySketch() };
          this.sketches.set(id, sketch);
        }
        if (sketch.registers[index]! < rank) sketch.registers[index] = rank;
      }
    }
  }

  /**
   * A delivery record's person: a recipient once sent, measured when sent the tracked email, an opener and a
   * clicker once tracking marked them.
   */
  addRecord(record: DeliveryRecord & { botClickedAt?: string }) {
    if (record.status !== 'sent') return;
    const kinds: SketchKind[] = ['recipients'];
    if (record.tracked) kinds.push('measured');
    if (record.openedAt) kinds.push('openers');
    // A clicker found to be a link scanner after all is one of the bots.
    if (record.clickedAt && !record.botClickedAt) kinds.push('clickers');
    this.add(record, kinds);
  }

  all(): PeopleSketch[] {
    return [...this.sketches.values()];
  }
}

/** Tracking's first open or click of a person: raised in the issue's sketches at once (opens come after the send). */
export async function countPerson(
  deps: { sketches: Pick<PeopleSketches, 'merge'> },
  delivery: DeliveryRecord,
  kind: 'openers' | 'clickers',
) {
  const tally = new SketchTally();
  tally.add(delivery, [kind]);
  await deps.sketches.merge(delivery.issueId, tally.all());
}
