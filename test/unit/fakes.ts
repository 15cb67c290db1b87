// In-memory implementations of the domain's ports, for unit tests (fakes, not mocks). One map of delivery records
// backs the three delivery ports, as one table does.
import type {
  AudienceSource,
  BatchQueue,
  ContentStore,
  RecordFilter,
  RecordKind,
  RecordTypes,
  BulkEntry,
  BulkResult,
  DeliveryRecord,
  DeliveryStore,
  Edition,
  IssueStore,
  Mailer,
  PeopleSketch,
  PeopleSketches,
  Recipient,
  SegmentCounter,
  SegmentCounts,
  SendBatch,
  SendCheck,
  SendCounters,
  SentRecord,
  SentRecords,
} from '../../functions/domain/ports.ts';
import type { Issue } from '../../functions/domain/records.ts';
import { MailerRefusedError } from '../../functions/domain/errors.ts';
import { EMPTY_COUNTS } from '../../functions/domain/progress.ts';
import { emptySketch, mergeInto } from '../../functions/domain/sketch.ts';
import type { SubscriberRecord, SubscriberRepository } from '../../functions/domain/subscribers.ts';
import {
  tallyChange,
  type AudienceTallies,
  type SegmentTally,
  type TallyIncrement,
} from '../../functions/domain/audience.ts';
import type { GrowthCounters, GrowthIncrement, GrowthMonth } from '../../functions/domain/growth.ts';
import type { LocalStart, LocalTime, SendStarts, StoredStart } from '../../functions/domain/local-time.ts';

export function fakeIssueStore(): IssueStore & { editions: Map<string, Edition> } {
  const issues = new Map<string, Issue>();
  const editions = new Map<string, Edition>();
  return {
    editions,
    async put(issue) {
      issues.set(issue.id, issue);
    },
    async create(issue) {
      if (issues.has(issue.id)) return false;
      issues.set(issue.id, issue);
      return true;
    },
    async replaceDraft(issue, previousVersion) {
      const stored = issues.get(issue.id);
      if (stored?.status !== 'draft' || (stored.version ?? 0) !== previousVersion) return false;
      issues.set(issue.id, issue);
      return true;
    },
    async removeDraft(id) {
      const stored = issues.get(id);
      if (stored?.status !== 'draft' || stored.sendStartedAt) return false;
      return issues.delete(id);
    },
    async get(id) {
      return issues.get(id);
    },
    async list() {
      return [...issues.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    async transition(id, from, to, fields = {}) {
      const issue = issues.get(id);
      if (issue?.status !== from) return false;
      issues.set(id, { ...issue, ...(fields as Partial<Issue>), status: to });
      return true;
    },
    async putEdition(issueId, edition) {
      editions.set(`${issueId}#${edition.language}`, edition);
    },
    async getEdition(issueId, language) {
      return editions.get(`${issueId}#${language}`);
    },
  };
}

/** The records sends showed, by issue and record id. */
export function fakeSentRecords(): SentRecords & { records: Map<string, SentRecord> } {
  const records = new Map<string, SentRecord>();
  return {
    records,
    async putSent(issueId, sent) {
      for (const record of sent) records.set(`${issueId}#${record.kind}#${record.record.id}`, structuredClone(record));
    },
    async getSent(issueId, recordId) {
      return records.get(`${issueId}#highlight#${recordId}`) ?? records.get(`${issueId}#practice#${recordId}`);
    },
  };
}

/** One issue's counters in memory (the tests use one issue at a time), with the fan-out's bookkeeping. */
export function fakeSendCounters(): SendCounters {
  const counters = new Map<string, SegmentCounter>();
  const planned = new Map<string, number>();
  const enqueued = new Map<string, Set<string>>();
  const audienceComplete = (issueId: string) =>
    planned.has(issueId) && (enqueued.get(issueId)?.size ?? 0) >= (planned.get(issueId) ?? 0);
  const total = () => counters.get('total#all') ?? { dimension: 'total' as const, key: 'all', ...EMPTY_COUNTS };
  return {
    async add(_issueId, increments) {
      for (const { dimension, key, counts } of increments) {
        const current = counters.get(`${dimension}#${key}`) ?? { dimension, key, ...EMPTY_COUNTS };
        for (const [name, n] of Object.entries(counts) as [keyof SegmentCounts, number][]) current[name] += n;
        counters.set(`${dimension}#${key}`, current);
      }
    },
    async planSegments(issueId, segments) {
      planned.set(issueId, segments.length);
    },
    async markSegmentEnqueued(issueId, segment, recipients) {
      const done = enqueued.get(issueId) ?? enqueued.set(issueId, new Set()).get(issueId)!;
      if (done.has(segment)) return false;
      done.add(segment);
      const t = total();
      t.recipients += recipients;
      counters.set('total#all', t);
      return true;
    },
    async resetSendingCounts(issueId, given) {
      for (const c of counters.values())
        Object.assign(c, { recipients: 0, sent: 0, measured: 0, failed: 0, skipped: 0, cancelled: 0 });
      for (const c of given) counters.set(`${c.dimension}#${c.key}`, { ...c });
      enqueued.delete(issueId);
    },
    async reconcileSendingCounts(_issueId, given, seen) {
      const names = ['recipients', 'sent', 'measured', 'failed', 'skipped', 'cancelled'] as const;
      const before = new Map(seen.map((c) => [`${c.dimension}#${c.key}`, c]));
      const values = new Map<string, SegmentCounter>();
      for (const c of counters.values()) values.set(`${c.dimension}#${c.key}`, { ...c, ...EMPTY_COUNTS });
      for (const c of given) values.set(`${c.dimension}#${c.key}`, c);
      let applied = true;
      for (const [id, c] of values) {
        const current = counters.get(id);
        if (names.some((n) => (current?.[n] ?? 0) !== (before.get(id)?.[n] ?? 0))) {
          applied = false;
          continue;
        }
        const next = current ?? { dimension: c.dimension, key: c.key, ...EMPTY_COUNTS };
        for (const n of names) next[n] = c[n];
        counters.set(id, next);
      }
      return applied;
    },
    async readTotal(issueId) {
      return { ...total(), audienceComplete: audienceComplete(issueId) };
    },
    // Copies, as a read from a table gives: a later write does not change what was read.
    async all() {
      return [...counters.values()].map((c) => ({ ...c }));
    },
    async ofDimension(_issueId, dimension, keyPrefix = '') {
      return [...counters.values()]
        .filter((c) => c.dimension === dimension && c.key.startsWith(keyPrefix))
        .map((c) => ({ ...c }));
    },
  };
}

/** People sketches in memory, per issue: merges are unions, as the store's. */
export function fakePeopleSketches(): PeopleSketches & { stored: Map<string, PeopleSketch> } {
  const stored = new Map<string, PeopleSketch>();
  return {
    stored,
    async merge(issueId, sketches) {
      for (const s of sketches) {
        const id = `${issueId}#${s.dimension}#${s.key}#${s.kind}`;
        const into = stored.get(id) ?? { ...s, registers: emptySketch() };
        mergeInto(into.registers, s.registers);
        stored.set(id, into);
      }
    },
    async ofDimension(issueId, dimension, keyPrefix = '') {
      return [...stored.entries()]
        .filter(([id, s]) => id.startsWith(`${issueId}#`) && s.dimension === dimension && s.key.startsWith(keyPrefix))
        .map(([, s]) => ({ ...s, registers: new Uint8Array(s.registers) }));
    },
  };
}

/** Growth counters in memory: every increment kept, summed per (dimension, key, month) when read. */
export function fakeGrowthCounters(): GrowthCounters & { increments: GrowthIncrement[] } {
  const increments: GrowthIncrement[] = [];
  return {
    increments,
    async add(more) {
      increments.push(...structuredClone(more));
    },
    async months(dimension, keyPrefix) {
      const months = new Map<string, GrowthMonth>();
      for (const i of increments) {
        if (i.dimension !== dimension || !i.key.startsWith(keyPrefix)) continue;
        const id = `${i.key}#${i.day.slice(0, 7)}`;
        const month = months.get(id) ?? { dimension, key: i.key, month: i.day.slice(0, 7), net: 0, days: {} };
        const day = (month.days[i.day.slice(8)] ??= { signups: 0, unsubscribes: 0, net: 0 });
        day.signups += i.counts.signups ?? 0;
        day.unsubscribes += i.counts.unsubscribes ?? 0;
        day.net += i.counts.net ?? 0;
        month.net += i.counts.net ?? 0;
        months.set(id, month);
      }
      return [...months.values()];
    },
  };
}

type FakeRecord = { status: string; messageId?: string; reason?: string; claimedAt?: string; [field: string]: unknown };
export function fakeDeliveryStore(): DeliveryStore & { byId: Map<string, FakeRecord> } {
  const records = new Map<string, FakeRecord>();
  /** The segment a claim put a recipient in (BG/bg/Haskovo for records a test stores itself). */
  const segments = new Map<string, { country: string; language: string; region: string }>();
  const full = (issueId: string, id: string, record: FakeRecord) =>
    ({
      issueId,
      subscriberId: id,
      country: 'BG',
      language: 'bg',
      region: 'Haskovo',
      claimedAt: '',
      ...segments.get(id),
      ...record,
    }) as DeliveryRecord;
  return {
    byId: records,
    async claim(_issueId, batch, recipient, at) {
      if (records.has(recipient.id)) return false;
      records.set(recipient.id, { status: 'claimed', claimedAt: at });
      segments.set(recipient.id, { country: batch.country, language: batch.language, region: recipient.region });
      return true;
    },
    async failClaim(_issueId, id, claimedAt, reason) {
      const record = records.get(id);
      if (record?.status !== 'claimed' || record.claimedAt !== claimedAt) return false;
      records.set(id, { status: 'failed', reason });
      return true;
    },
    async failSent(_issueId, id, { reason, field, eventAt }) {
      const record = records.get(id);
      if (record?.status !== 'sent') return false;
      records.set(id, { ...record, status: 'failed', reason, [field]: eventAt });
      return true;
    },
    async getMany(issueId, ids) {
      return ids.flatMap((id) => {
        const record = records.get(id);
        return record ? [full(issueId, id, record)] : [];
      });
    },
    async *records(issueId) {
      yield [...records].map(([id, record]) => full(issueId, id, record));
    },
    async recordOutcomes(_batch, _claimedAt, outcomes) {
      for (const o of outcomes) {
        records.set(
          o.recipient.id,
          o.status === 'sent'
            ? { status: 'sent', messageId: o.messageId, ...(o.tracked && { tracked: true }) }
            : { status: o.status, reason: o.reason },
        );
      }
    },
    async release(_issueId, id) {
      if (records.get(id)?.status === 'claimed') records.delete(id);
    },
    async get(issueId, id) {
      const record = records.get(id);
      return (
        record &&
        ({
          issueId,
          subscriberId: id,
          country: '',
          language: '',
          region: '',
          claimedAt: '',
          ...record,
        } as DeliveryRecord)
      );
    },
    async delete(issueId, id) {
      // One step, as DynamoDB's delete with ReturnValues: of two deletes at once, one gets the record.
      const record = records.get(id);
      records.delete(id);
      return record && ({ issueId, subscriberId: id, ...record } as DeliveryRecord);
    },
    async put({ issueId: _issueId, subscriberId, ...record }) {
      records.set(subscriberId, record);
    },
    async findByMessageId(messageId) {
      for (const [id, record] of records) {
        if (record.messageId === messageId) return full('issue-1', id, record);
      }
      return undefined;
    },
    async addToSet(_issueId, id, field, value) {
      const record = records.get(id);
      if (!record) throw new Error(`no delivery record ${id}`);
      const set = (record[field] as Set<number> | undefined) ?? new Set<number>();
      set.add(value);
      record[field] = set;
      return set.size;
    },
    async markOnce(_issueId, id, field, at) {
      const record = records.get(id) as Record<string, unknown> | undefined;
      if (!record || record[field] !== undefined) return false;
      record[field] = at;
      return true;
    },
    async markMessage(issueId, id, messageId, field, at) {
      const record = records.get(id) as Record<string, unknown> | undefined;
      if (!record || record.messageId !== messageId || record[field] !== undefined) return undefined;
      record[field] = at;
      return full(issueId, id, record as FakeRecord);
    },
  };
}

/** Records every bulk call; `fail` decides per entry, `throwOnCall` makes whole calls fail. */
export function fakeMailer(
  options: {
    fail?: (entry: BulkEntry) => { error: string; retry: boolean } | undefined;
    /** true: SES refuses the call (throttling); 'unknown': the answer is lost after SES took it. */
    throwOnCall?: (n: number) => boolean | 'unknown';
  } = {},
) {
  const calls: { edition: Edition; entries: BulkEntry[] }[] = [];
  let n = 0;
  const mailer: Mailer = {
    async sendBulk(edition, entries) {
      n += 1;
      const thrown = options.throwOnCall?.(n);
      if (thrown === 'unknown') throw new Error('socket hang up');
      if (thrown) throw new MailerRefusedError('TooManyRequestsException: slow down', true);
      calls.push({ edition, entries });
      return entries.map((entry, i): BulkResult => {
        const failure = options.fail?.(entry);
        return failure ? { ok: false, ...failure } : { ok: true, messageId: `msg-${n}-${i}` };
      });
    },
  };
  return { mailer, calls };
}

export function fakeAudience(segments: Record<string, (Recipient & { topics?: string[] })[]>): AudienceSource {
  return {
    async count(country, language) {
      return segments[`${country}#${language}`]?.length ?? 0;
    },
    async *pages(country, language, pageSize) {
      const all = segments[`${country}#${language}`] ?? [];
      for (let i = 0; i < all.length; i += pageSize) yield all.slice(i, i + pageSize);
    },
  };
}

/** Tallies that count the fake audience's segments (confirmed subscribers, by their topics). */
export function fakeTallies(segments: Record<string, (Recipient & { topics?: string[] })[]>): AudienceTallies {
  const added: TallyIncrement[] = [];
  return {
    async add(increments) {
      added.push(...increments);
    },
    async all() {
      const increments = [
        ...Object.entries(segments).flatMap(([key, recipients]) => {
          const [country = '', language = ''] = key.split('#');
          return recipients.map((r) =>
            tallyChange(undefined, { country, language, region: r.region, topics: r.topics, status: 'confirmed' }),
          );
        }),
        added,
      ].flat();
      const tallies = new Map<string, SegmentTally>();
      for (const t of increments) {
        const key = [t.country, t.language, t.region, t.status].join('#');
        const tally = tallies.get(key) ?? { ...t, byTopics: {} };
        tally.byTopics[t.topics] = (tally.byTopics[t.topics] ?? 0) + t.n;
        tallies.set(key, tally);
      }
      return [...tallies.values()].map(({ country, language, region, status, byTopics }) => ({
        country,
        language,
        region,
        status,
        byTopics,
      }));
    },
  };
}

/** The send queue's messages as they are enqueued: the batches, and the end checks with their delays. */
export function collectingQueue(): BatchQueue & { batches: SendBatch[]; checks: (SendCheck & { delayMs: number })[] } {
  const batches: SendBatch[] = [];
  const checks: (SendCheck & { delayMs: number })[] = [];
  return {
    batches,
    checks,
    async enqueue(more, options = {}) {
      for (const item of more) {
        if ('check' in item) checks.push({ ...item, delayMs: options.delayMs ?? 0 });
        else batches.push(item);
      }
    },
  };
}

export const fixedClock = { now: () => new Date('2025-03-26T09:00:00Z') };

/** Records in memory, by kind and id. */
export function fakeContentStore(): ContentStore {
  const kinds = new Map<RecordKind, Map<string, { id: string }>>();
  const of = (kind: RecordKind) => kinds.get(kind) ?? kinds.set(kind, new Map()).get(kind)!;
  const all = <K extends RecordKind>(kind: K) =>
    [...of(kind).values()].sort((a, b) => a.id.localeCompare(b.id)) as RecordTypes[K][];
  return {
    async put(kind, record) {
      of(kind).set(record.id, record);
    },
    async create(kind, record) {
      if (of(kind).has(record.id)) return false;
      of(kind).set(record.id, record);
      return true;
    },
    async replace(kind, record) {
      if (!of(kind).has(record.id)) return false;
      of(kind).set(record.id, record);
      return true;
    },
    async remove(kind, id) {
      return of(kind).delete(id);
    },
    async get<K extends RecordKind>(kind: K, id: string) {
      return of(kind).get(id) as RecordTypes[K] | undefined;
    },
    async getMany<K extends RecordKind>(kind: K, ids: readonly string[]) {
      return ids.flatMap((id) => (of(kind).get(id) as RecordTypes[K] | undefined) ?? []);
    },
    list: async (kind) => all(kind),
    async page<K extends RecordKind>(kind: K, filter: RecordFilter, limit: number, after?: string) {
      const matching = all(kind).filter((r) => {
        const record = r as { id: string; country?: string; startDate?: string; title?: Record<string, string> };
        return (
          (!after || record.id > after) &&
          (!filter.country || record.country === filter.country) &&
          (!filter.language || record.title?.[filter.language] !== undefined) &&
          (!filter.from || (record.startDate ?? '') >= filter.from) &&
          (!filter.to || (record.startDate ?? '') <= filter.to)
        );
      });
      const items = matching.slice(0, limit);
      return { items, ...(matching.length > limit && { after: items.at(-1)!.id }) };
    },
  };
}

/**
 * Subscribers in memory with the store's conditional semantics: `replace` holds only on the version read, and
 * `signUp` decides by the status it finds. `beforeWrite` runs before each conditional write decides, so a test
 * can land a concurrent change between a read and a write.
 */
export function fakeSubscribers(
  records = new Map<string, SubscriberRecord>(),
  options: { beforeWrite?: (id: string) => Promise<void> } = {},
): SubscriberRepository & { records: Map<string, SubscriberRecord> } {
  const copy = (s: SubscriberRecord | undefined) => s && structuredClone(s);
  return {
    records,
    get: async (id) => copy(records.get(id)),
    create: async (s) => {
      if (records.has(s.id)) return false;
      records.set(s.id, { ...copy(s)!, version: 1 });
      return true;
    },
    replace: async (next, version) => {
      await options.beforeWrite?.(next.id);
      const current = records.get(next.id);
      if (!current || (current.version ?? 0) !== version) return false;
      records.set(next.id, { ...copy(next)!, version: version + 1 });
      return true;
    },
    signUp: async (pending, change) => {
      await options.beforeWrite?.(pending.id);
      const existing = records.get(pending.id);
      const version = (existing?.version ?? 0) + 1;
      if (existing?.status === 'suppressed') return 'suppressed';
      if (existing?.status === 'confirmed' || existing?.status === 'unsubscribed') {
        records.set(pending.id, { ...existing, pendingChange: structuredClone(change), version });
      } else {
        records.set(pending.id, { ...copy(pending)!, createdAt: existing?.createdAt ?? pending.createdAt, version });
      }
      return 'confirm';
    },
    end: async (id, change) => {
      await options.beforeWrite?.(id);
      const current = records.get(id);
      if (!current) return undefined;
      const refused =
        change.unless.includes(current.status) ||
        (change.createdBy !== undefined && current.createdAt > change.createdBy);
      if (refused) return { subscriber: copy(current)!, changed: false };
      const { pendingChange: _p, ...rest } = current;
      if (change.status === 'unsubscribed') delete rest.unsubscribeIssueId;
      const next = { ...rest, ...change.fields, status: change.status, version: (current.version ?? 0) + 1 };
      records.set(id, next);
      return { subscriber: copy(next)!, changed: true, previous: copy(current)! };
    },
    delete: async (id) => {
      const removed = records.get(id);
      records.delete(id);
      return removed;
    },
    statuses: async (ids) =>
      new Map(ids.flatMap((id) => (records.has(id) ? [[id, records.get(id)!.status] as const] : []))),
    sendStates: async (ids) =>
      new Map(
        ids.flatMap((id) => {
          const found = records.get(id);
          return found ? [[id, { status: found.status, tracking: found.tracking === true }] as const] : [];
        }),
      ),
  };
}

/** A local-time send's starts in memory, by issue; reads are copies, as a table's are. */
export function fakeSendStarts(): SendStarts & {
  stored: Map<string, { localTime: LocalTime; starts: StoredStart[] }>;
} {
  const stored = new Map<string, { localTime: LocalTime; starts: StoredStart[] }>();
  return {
    stored,
    async put(issueId, localTime, starts: LocalStart[]) {
      stored.set(issueId, { localTime, starts: starts.map((s) => ({ ...s, state: 'waiting' })) });
    },
    async get(issueId) {
      return structuredClone(stored.get(issueId));
    },
    async move(issueId, n, from, to) {
      const start = stored.get(issueId)?.starts[n];
      if (start?.state !== from) return false;
      start.state = to;
      return true;
    },
    async planSegments(issueId, segments) {
      const item = stored.get(issueId);
      if (!item || item.starts.some((s) => s.segments)) return false;
      item.starts.forEach((s, n) => (s.segments = segments[n] ?? []));
      return true;
    },
    async remove(issueId) {
      stored.delete(issueId);
    },
  };
}
