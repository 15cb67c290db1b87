import { describe, expect, it } from 'vitest';
import { localTimeSchema, planStarts, zonedInstant } from '../../functions/domain/local-time.ts';
import { referenceOf } from '../../functions/domain/reference.ts';
import { validate } from '../../functions/domain/validation.ts';
import { secon } from '../support/profile.ts';

const utc = (date: string, time: string, zone: string) => zonedInstant(date, time, zone).toISOString();

describe('a local date and hour in a time zone', () => {
  it('is 09:00 in Sofia two hours before UTC in winter and three in summer', () => {
    expect(utc('2026-12-01', '09:00', 'Europe/Sofia')).toBe('2026-12-01T07:00:00.000Z');
    expect(utc('2026-07-01', '09:00', 'Europe/Sofia')).toBe('2026-07-01T06:00:00.000Z');
  });

  it('takes the new offset on the days the clocks change, at 09:00', () => {
    // EU clocks change at 01:00 UTC: 29 March and 25 October 2026.
    expect(utc('2026-03-28', '09:00', 'Europe/Athens')).toBe('2026-03-28T07:00:00.000Z');
    expect(utc('2026-03-29', '09:00', 'Europe/Athens')).toBe('2026-03-29T06:00:00.000Z');
    expect(utc('2026-10-25', '09:00', 'Europe/Lisbon')).toBe('2026-10-25T09:00:00.000Z');
    expect(utc('2026-10-24', '09:00', 'Europe/Lisbon')).toBe('2026-10-24T08:00:00.000Z');
  });

  it('moves an hour the spring change skips forward, and takes the first of an hour the autumn change repeats', () => {
    // Athens skips 03:00-04:00 on 29 March; 03:30 is 04:30 summer time.
    expect(utc('2026-03-29', '03:30', 'Europe/Athens')).toBe('2026-03-29T01:30:00.000Z');
    // Athens has 03:30 twice on 25 October: first at +03:00.
    expect(utc('2026-10-25', '03:30', 'Europe/Athens')).toBe('2026-10-25T00:30:00.000Z');
  });
});

describe('the starts of a send at a local hour', () => {
  it('has one start per distinct instant, earliest first, each with its countries', () => {
    const starts = planStarts(secon, ['PT', 'BG', 'GR', 'DE', 'BE', 'LV'], { date: '2026-12-01', time: '09:00' });
    expect(starts).toEqual([
      {
        at: '2026-12-01T07:00:00.000Z',
        countries: ['BG', 'GR', 'LV'],
        timeZones: ['Europe/Sofia', 'Europe/Athens', 'Europe/Riga'],
      },
      { at: '2026-12-01T08:00:00.000Z', countries: ['DE', 'BE'], timeZones: ['Europe/Berlin', 'Europe/Brussels'] },
      { at: '2026-12-01T09:00:00.000Z', countries: ['PT'], timeZones: ['Europe/Lisbon'] },
    ]);
  });

  it('takes a time zone the profile gives a country over the default one', () => {
    const profile = {
      ...secon.profile,
      countries: secon.profile.countries.map((c) => (c.code === 'ES' ? { ...c, timeZone: 'Atlantic/Canary' } : c)),
    };
    const [start] = planStarts(referenceOf(profile), ['ES'], { date: '2026-12-01', time: '09:00' });
    expect(start).toMatchObject({ at: '2026-12-01T09:00:00.000Z', timeZones: ['Atlantic/Canary'] });
  });

  it('refuses an hour or a date written otherwise, naming the field', () => {
    for (const [value, field] of [
      [{ date: '2026-12-01', time: '9:00' }, 'localTime.time'],
      [{ date: '2026-12-01', time: '24:00' }, 'localTime.time'],
      [{ date: '01/12/2026', time: '09:00' }, 'localTime.date'],
      [{ date: '2026-12-01', time: '09:00', zone: 'UTC' }, 'localTime.zone'],
    ] as const) {
      expect(() => validate(localTimeSchema, value, 'localTime')).toThrow(
        expect.objectContaining({ details: expect.objectContaining({ field }) }),
      );
    }
  });
});
