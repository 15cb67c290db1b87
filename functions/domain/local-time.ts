// Sending at a local hour: a date and an hour (09:00) become one start per distinct instant, each country's
// subscribers getting the issue at that hour in their own time zone (Intl does the zone and daylight-saving math).
// Each start is a schedule of its own; the first to fire freezes the issue and plans every segment, each fans out
// only its countries, and a cancel stops the starts that have not begun.
import * as z from 'zod';
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import type { SegmentJob, SendScheduler } from './ports.ts';
import type { Country, Reference } from './reference.ts';
import { checkSchedulable, enqueueFanOut, startSend, type SendDeps } from './sending.ts';
import { DEFAULT_TIME_ZONES, timeZoneOf } from '../../contracts/profile.ts';

export { DEFAULT_TIME_ZONES };

export const localTimeSchema = z.strictObject({
  date: z.iso.date({ error: 'must be a date written YYYY-MM-DD' }),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be an hour written HH:MM (00:00 to 23:59)'),
});
export type LocalTime = z.infer<typeof localTimeSchema>;

/** The zone's offset from UTC at an instant, in ms (Europe/Athens in summer: +3 h). */
function offsetAt(zone: string, epochMs: number): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(epochMs))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(epochMs / 1000) * 1000;
}

const DAY_MS = 86_400_000;

/**
 * The instant a wall-clock date and hour happen in a zone. A time the clocks skip (the spring change) is moved
 * forward by the gap (03:30 becomes 04:30); a time that happens twice (the autumn change) is the first of the two.
 */
export function zonedInstant(date: string, time: string, zone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // No zone changes its offset twice within two days: the offsets a day before and after are the candidates.
  const before = offsetAt(zone, wall - DAY_MS);
  const after = offsetAt(zone, wall + DAY_MS);
  const valid = [wall - before, wall - after].filter((t, i) => offsetAt(zone, t) === [before, after][i]);
  return new Date(valid.length > 0 ? Math.min(...valid) : wall - before);
}

/** One start of a local-time send: an instant and the countries whose local hour it is (each with its zone). */
export interface LocalStart {
  at: string;
  countries: Country[];
  /** The zone of each country, in the same order. */
  timeZones: string[];
}

/** The starts of a date and hour for these countries: one per distinct instant, earliest first. */
export function planStarts(reference: Reference, countries: readonly Country[], localTime: LocalTime): LocalStart[] {
  const byInstant = new Map<string, LocalStart>();
  for (const country of countries) {
    const zone = timeZoneOf(reference.profile, country);
    if (!zone) throw new ValidationError('localTime', `the project profile gives ${country} no time zone (timeZone)`);
    const at = zonedInstant(localTime.date, localTime.time, zone).toISOString();
    const start = byInstant.get(at) ?? { at, countries: [], timeZones: [] };
    start.countries.push(country);
    start.timeZones.push(zone);
    byInstant.set(at, start);
  }
  return [...byInstant.values()].sort((a, b) => a.at.localeCompare(b.at));
}

export type StartState = 'waiting' | 'started' | 'cancelled';
export interface StoredStart extends LocalStart {
  state: StartState;
  /** Set by the first start: the (country, language) segments this start fans out. */
  segments?: Pick<SegmentJob, 'country' | 'language'>[];
}

/** A local-time send's starts, beside the issue (one item), each moved from state to state by a conditional write. */
export interface SendStarts {
  /** Replaces the issue's starts with these, all waiting. */
  put(issueId: string, localTime: LocalTime, starts: LocalStart[]): Promise<void>;
  get(issueId: string): Promise<{ localTime: LocalTime; starts: StoredStart[] } | undefined>;
  /** Moves start `n` from `from` to `to`; false when it was not in `from` (started or cancelled meanwhile). */
  move(issueId: string, n: number, from: StartState, to: StartState): Promise<boolean>;
  /** Records each start's segments, once (false when recorded before). */
  planSegments(issueId: string, segments: Pick<SegmentJob, 'country' | 'language'>[][]): Promise<boolean>;
  /** Forgets the issue's starts (a send scheduled at one instant, a draft deleted). */
  remove(issueId: string): Promise<void>;
}

export type LocalTimeDeps = SendDeps & { scheduler: SendScheduler; starts: SendStarts };

/** The furthest ahead a send can be scheduled (as for a send at one instant). */
const MAX_AHEAD_MS = 366 * DAY_MS;

/**
 * Schedules a draft for a local date and hour: one schedule per distinct start. Refused when any country's start is
 * not in the future (naming `localTime.time`): a send that began late in some countries would not be the send the
 * editor asked for, so they choose a later hour or date.
 */
export async function scheduleLocalSend(
  deps: Pick<LocalTimeDeps, 'issues' | 'content' | 'tallies' | 'clock' | 'renderer' | 'publicUrl' | 'reference'> & {
    scheduler: SendScheduler;
    starts: SendStarts;
  },
  issueId: string,
  localTime: LocalTime,
  options: { allowFallback?: boolean } = {},
): Promise<{ scheduledAt: string; starts: LocalStart[] }> {
  const issue = await deps.issues.get(issueId);
  if (!issue) throw new NotFoundError(`issue ${issueId}`);
  const countries = issue.audience?.countries ?? deps.reference.countryCodes;
  const starts = planStarts(deps.reference, countries, localTime);
  const now = deps.clock.now().getTime();
  const late = starts.filter((s) => Date.parse(s.at) <= now);
  if (late.length > 0) {
    const names = late.flatMap((s) => s.countries).join(', ');
    throw new ValidationError('localTime.time', `has passed already in ${names}; choose a later hour or date`);
  }
  if (Date.parse(starts.at(-1)!.at) > now + MAX_AHEAD_MS)
    throw new ValidationError('localTime.date', 'must be within a year');
  await checkSchedulable(deps, issue, options);
  const scheduledAt = starts[0]!.at;
  const fields = { scheduledAt, allowFallback: options.allowFallback === true };
  await deps.starts.put(issueId, localTime, starts);
  if (!(await deps.issues.transition(issueId, 'draft', 'scheduled', fields))) {
    throw new ConflictError(`issue ${issueId} is no longer a draft`);
  }
  try {
    for (const [n, start] of starts.entries()) await deps.scheduler.schedule(issueId, new Date(start.at), n);
  } catch (error) {
    for (const n of starts.keys()) await deps.scheduler.cancel(issueId, n);
    await deps.issues.transition(issueId, 'scheduled', 'draft');
    throw error;
  }
  return { scheduledAt, starts };
}

/**
 * What the scheduler runs at start `n`: the first start to fire sends as a send at one instant does, planning every
 * segment of every start (so the send cannot end before the last start) and fanning out its own countries; a later
 * start fans out its segments. A start cancelled or run before does nothing.
 */
export async function runScheduledStart(
  deps: LocalTimeDeps,
  issueId: string,
  n: number,
): Promise<{ recipients?: number; countries: Country[] } | undefined> {
  const [issue, stored] = await Promise.all([deps.issues.get(issueId), deps.starts.get(issueId)]);
  const start = stored?.starts[n];
  // A later start of a paused send fans out too: its batches wait for the resume by themselves (delivery.ts).
  const running = issue?.status === 'sending' || issue?.status === 'paused';
  if (!issue || !start || (issue.status !== 'scheduled' && !running)) return undefined;
  if (!(await deps.starts.move(issueId, n, 'waiting', 'started'))) return undefined;
  if (issue.status === 'scheduled') {
    const { recipients, segments } = await startSend(deps, issueId, {
      from: 'scheduled',
      allowFallback: true,
      countries: start.countries,
    }).catch(async (error: unknown) => {
      await deps.starts.move(issueId, n, 'started', 'waiting');
      throw error;
    });
    const perStart = stored.starts.map((s) => segments.filter((segment) => s.countries.includes(segment.country)));
    await deps.starts.planSegments(issueId, perStart);
    // A start cancelled while this one was planning had no segments to close: they are closed here.
    const now = await deps.starts.get(issueId);
    for (const [k, s] of (now?.starts ?? []).entries()) {
      if (s.state === 'cancelled') await enqueueFanOut(deps, issueId, perStart[k] ?? [], { cancelled: true });
    }
    return { recipients, countries: start.countries };
  }
  await enqueueFanOut(deps, issueId, start.segments ?? [], { selection: issue.audience });
  return { countries: start.countries };
}

/**
 * Cancels every start of the issue still waiting, removing its schedule, then closes the planned segments of its
 * cancelled starts (counted with nobody), so a send that began ends once the started countries are done. The
 * countries cancelled; nothing for an issue without starts. Shared by the schedule's cancel and the send's cancel.
 */
export async function stopWaitingStarts(
  deps: Pick<LocalTimeDeps, 'fanOut'> & {
    scheduler: Pick<SendScheduler, 'cancel'>;
    starts: Pick<SendStarts, 'get' | 'move'>;
  },
  issueId: string,
): Promise<Country[]> {
  const stored = await deps.starts.get(issueId);
  if (!stored) return [];
  const cancelled: Country[] = [];
  for (const [n, s] of stored.starts.entries()) {
    if (s.state !== 'waiting') continue;
    if (await deps.starts.move(issueId, n, 'waiting', 'cancelled')) cancelled.push(...s.countries);
    await deps.scheduler.cancel(issueId, n);
  }
  // Read again: the first start may have planned the segments meanwhile, and then closes them itself too; closing
  // twice is harmless.
  const planned = await deps.starts.get(issueId);
  for (const s of planned?.starts ?? []) {
    if (s.state === 'cancelled' && s.segments) {
      await enqueueFanOut(deps, issueId, s.segments, { cancelled: true });
    }
  }
  return cancelled;
}

/**
 * `DELETE /api/issues/{id}/schedule` for a local-time send: every start that has not begun is cancelled. Before the
 * first, the issue is a draft again; after it, the send (running or paused) goes on for the countries started and
 * ends without the rest.
 */
export async function cancelLocalStarts(
  deps: Pick<LocalTimeDeps, 'issues' | 'scheduler' | 'starts' | 'fanOut'>,
  issueId: string,
): Promise<{ status: 'draft' | 'sending' | 'paused'; cancelled: Country[] }> {
  const [issue, stored] = await Promise.all([deps.issues.get(issueId), deps.starts.get(issueId)]);
  if (!issue) throw new NotFoundError(`issue ${issueId}`);
  if (issue.status === 'scheduled') {
    if (!(await deps.issues.transition(issueId, 'scheduled', 'draft'))) {
      throw new ConflictError(`issue ${issueId} has started meanwhile; cancel again to stop the starts still waiting`);
    }
    const cancelled = await stopWaitingStarts(deps, issueId);
    await deps.scheduler.cancel(issueId);
    return { status: 'draft', cancelled };
  }
  const waiting = (stored?.starts ?? []).some((s) => s.state === 'waiting');
  if ((issue.status !== 'sending' && issue.status !== 'paused') || !waiting) {
    throw new ConflictError(`issue ${issueId} is ${issue.status} with no start waiting; nothing to cancel`);
  }
  return { status: issue.status, cancelled: await stopWaitingStarts(deps, issueId) };
}
