// The small interfaces the domain owns; adapters in functions/adapters implement them.
import type { MESSAGE_INDEX_FIELDS } from '../../contracts/tables.ts';
import type { Country, Language } from './reference.ts';
import type { EditionView } from './edition.ts';
import type { Highlight, Indicator, Issue, IssueStatus, Practice } from './records.ts';

export interface Clock {
  now(): Date;
}

export type RecordKind = 'highlight' | 'practice' | 'indicator';
export interface RecordTypes {
  highlight: Highlight;
  practice: Practice;
  indicator: Indicator;
}

export interface RecordFilter {
  country?: string;
  /** Records with a title (or label) in this language. */
  language?: string;
  /** startDate on or after / on or before, YYYY-MM-DD. */
  from?: string;
  to?: string;
}

export interface RecordPage<T> {
  items: T[];
  /** The id after which the next page starts; absent on the last page. */
  after?: string;
}

export interface ContentStore {
  put<K extends RecordKind>(kind: K, record: RecordTypes[K]): Promise<void>;
  /** Stores a new record; false when the id is taken. */
  create<K extends RecordKind>(kind: K, record: RecordTypes[K]): Promise<boolean>;
  /** Replaces an existing record; false when there is none. */
  replace<K extends RecordKind>(kind: K, record: RecordTypes[K]): Promise<boolean>;
  /** Deletes a record; false when there was none. */
  remove(kind: RecordKind, id: string): Promise<boolean>;
  get<K extends RecordKind>(kind: K, id: string): Promise<RecordTypes[K] | undefined>;
  getMany<K extends RecordKind>(kind: K, ids: readonly string[]): Promise<RecordTypes[K][]>;
  list<K extends RecordKind>(kind: K): Promise<RecordTypes[K][]>;
  /** Records in id order, filtered, `limit` at a time, starting after the id `after`. */
  page<K extends RecordKind>(
    kind: K,
    filter: RecordFilter,
    limit: number,
    after?: string,
  ): Promise<RecordPage<RecordTypes[K]>>;
}

/** A language's rendered edition: stored once, sent to every recipient of that language. */
export interface Edition {
  language: Language;
  subject: string;
  html: string;
  text: string;
  /** The targets of the edition's tracked links, by position: where a click redirects (never the request). */
  links?: string[];
}

/** Counts for one segment of an issue: a country, a language, a region, or the total. */
export interface SegmentCounts {
  recipients: number;
  sent: number;
  /** Of `sent`: recipients whose email was measured (the pixel and tracked links), as they consented to it. */
  measured: number;
  failed: number;
  /** Left out because they unsubscribed or were suppressed after the send started. */
  skipped: number;
  /** Not sent because the send was cancelled first. */
  cancelled: number;
  /** From SES events: delivered to the receiving server, bounced for good, reported as spam. */
  delivered: number;
  bounced: number;
  complained: number;
  /** Recipients whose mail bounced for now (SES stopped retrying, or the bounce type is undetermined). */
  transientBounces: number;
  /** From tracking: recipients who opened (a person, not a machine), counted once each. */
  uniqueOpens: number;
  /** Recipients whose email was fetched by a machine (Apple Mail Privacy Protection, a proxy or scanner at delivery). */
  machineOpens: number;
  /** Opens by a person after their first: hits, not people. */
  repeatOpens: number;
  /** Recipients who clicked a link (a person), counted once each. */
  uniqueClicks: number;
  /** Recipients whose links were followed by a link scanner or bot (honeypot, at delivery, every link). */
  botClicks: number;
  /** Clicks by a person after their first: hits, not people. */
  repeatClicks: number;
  /** Recipients who unsubscribed through this issue's link, counted once each. */
  unsubscribed: number;
}
/**
 * `regionLanguage` (`BG/Haskovo/bg`) lets a coordinator see their region per language; `hour` counts first
 * opens and clicks per hour after sending (`all/07`, `BG/Haskovo/07`).
 */
export type Dimension = 'country' | 'language' | 'region' | 'segment' | 'regionLanguage' | 'hour' | 'total';
export interface SegmentCounter extends SegmentCounts {
  dimension: Dimension;
  key: string;
}
export type CountName = keyof SegmentCounts;

/** Issues and their rendered editions. What a send counts is kept apart, behind SendCounters. */
export interface IssueStore {
  put(issue: Issue): Promise<void>;
  /** Stores a new issue; false when the id is taken. */
  create(issue: Issue): Promise<boolean>;
  /**
   * Replaces an issue that is still a draft at `previousVersion` (0: stored before issues had versions); false when
   * it is not a draft any more or another change came first.
   */
  replaceDraft(issue: Issue, previousVersion: number): Promise<boolean>;
  /** Deletes a draft whose send never started; false when it is not such a draft (any more). */
  removeDraft(id: string): Promise<boolean>;
  get(id: string): Promise<Issue | undefined>;
  /** Newest first. */
  list(): Promise<Issue[]>;
  /** Moves an issue from one status to another, setting `fields`, atomically; false when it was not in `from`. */
  transition(
    id: string,
    from: IssueStatus,
    to: IssueStatus,
    fields?: Record<string, string | boolean>,
  ): Promise<boolean>;
  putEdition(issueId: string, edition: Edition): Promise<void>;
  getEdition(issueId: string, language: Language): Promise<Edition | undefined>;
}

/** A highlight or a practice as an issue's send showed it. */
export type SentRecord = { kind: 'highlight'; record: Highlight } | { kind: 'practice'; record: Practice };

/**
 * The records an issue's send showed, kept as they were when it started: the archive's record pages read these,
 * so a record edited or deleted later still reads as it was sent.
 */
export interface SentRecords {
  putSent(issueId: string, records: SentRecord[]): Promise<void>;
  /** The record of that id the issue showed: its highlight, else its practice. */
  getSent(issueId: string, recordId: string): Promise<SentRecord | undefined>;
}

/** An addition to one counter of an issue. */
export interface Increment {
  dimension: Dimension;
  key: string;
  counts: Partial<SegmentCounts>;
}

/**
 * An issue's counters, one per (dimension, key), and the bookkeeping that tells when its whole audience is
 * enqueued. functions/domain/progress.ts says what is counted and when a send is complete.
 */
export interface SendCounters {
  /** Adds to the counters of every (dimension, key) named, each with one atomic ADD. */
  add(issueId: string, increments: Increment[]): Promise<void>;
  /** Records the (country, language) segments the send's audience is read in, `COUNTRY/lang` each. */
  planSegments(issueId: string, segments: string[]): Promise<void>;
  /**
   * Marks a segment's audience as fully enqueued and adds its recipients to the total, in one atomic write;
   * false when it was marked before (a fan-out run twice). Once every planned segment is marked, the totals
   * tell when the send is complete.
   */
  markSegmentEnqueued(issueId: string, segment: string, recipients: number): Promise<boolean>;
  readTotal(issueId: string): Promise<SegmentCounts & { audienceComplete: boolean }>;
  /** Every counter of the issue. */
  all(issueId: string): Promise<SegmentCounter[]>;
  /** The counters of one dimension, optionally only keys starting with `keyPrefix`: one query, no scan. */
  ofDimension(issueId: string, dimension: Dimension, keyPrefix?: string): Promise<SegmentCounter[]>;
  /**
   * Sets the sending counts (recipients, sent, measured, failed, skipped, cancelled) of every counter to the values given (absent
   * ones to 0) and forgets which segments were enqueued: the recount after the stack was stopped mid-send.
   */
  resetSendingCounts(issueId: string, counters: SegmentCounter[]): Promise<void>;
  /**
   * Sets the sending counts of every counter to the values given (absent ones to 0), each only while its sending
   * counts are still those in `seen` (read before the records were): false when any had moved meanwhile (a late
   * count landed), and the caller reads again. The reconciliation at a send's end.
   */
  reconcileSendingCounts(issueId: string, counters: SegmentCounter[], seen: SegmentCounter[]): Promise<boolean>;
}

/**
 * Whose sketch: the people an issue was sent to, those of them who were measured (they consented), and those who
 * opened it and who clicked (people, not machines).
 */
export type SketchKind = 'recipients' | 'measured' | 'openers' | 'clickers';
/** Country and total sketches are unions of the region sketches, so only these are stored. */
export type SketchDimension = 'region' | 'language' | 'regionLanguage';
/** A HyperLogLog sketch (functions/domain/sketch.ts) of one kind of people in one segment of an issue. */
export interface PeopleSketch {
  dimension: SketchDimension;
  key: string;
  kind: SketchKind;
  registers: Uint8Array;
}

/** An issue's people sketches, one per (dimension, key, kind), beside its counters. functions/domain/people.ts fills them. */
export interface PeopleSketches {
  /**
   * Merges each sketch into the issue's stored one (a union): read, merge, and a write conditioned on the version
   * read, again when another writer came first. A sketch that adds nothing is not written.
   */
  merge(issueId: string, sketches: PeopleSketch[]): Promise<void>;
  /** The sketches of one dimension, optionally only keys starting with `keyPrefix`: one query, no scan. */
  ofDimension(issueId: string, dimension: SketchDimension, keyPrefix?: string): Promise<PeopleSketch[]>;
}

export interface Recipient {
  id: string;
  email: string;
  name?: string;
  region: string;
}

export interface AudienceSource {
  /** Confirmed subscribers of one (country, language), a page at a time: never a scan, never the whole list. */
  pages(country: Country, language: Language, pageSize: number): AsyncIterable<(Recipient & { topics?: string[] })[]>;
  /** How many confirmed subscribers one (country, language) has. */
  count(country: Country, language: Language): Promise<number>;
}

/** A batch of at most 50 recipients of one edition: the unit of work on the send queue. */
export interface SendBatch {
  issueId: string;
  country: Country;
  language: Language;
  recipients: Recipient[];
}

/** One (country, language) of a send, whose audience the fan-out reads and enqueues in batches. */
export interface SegmentJob {
  issueId: string;
  country: Country;
  language: Language;
  /** The issue's selection narrows the segment to these regions and to subscribers of any of these topics. */
  regions?: string[];
  topics?: string[];
  /** After a restart: leave out recipients that already have a delivery record. */
  resume?: boolean;
  /** Its local-time start was cancelled: counted as enqueued with nobody, so the send can end. */
  cancelled?: boolean;
}

/**
 * A check that a send has ended, on the send queue after a delay: once every recipient has a final delivery
 * record and no sender can still be counting, the send's counts are set from its records and it ends.
 */
export interface SendCheck {
  issueId: string;
  check: 'end';
  /** sent + failed + skipped + cancelled when the last check looked: counts that moved meanwhile mean senders are at work. */
  handled?: number;
  /** Checks in a row that read the records and found the send unfinished: each waits twice as long. */
  scans?: number;
  /** When the counts were first found still (epoch ms): a send still unfinished a day later is left to people. */
  stillSince?: number;
}

export interface EnqueueOptions {
  /** Hidden this long before the first delivery (SQS DelaySeconds, at most 15 minutes). */
  delayMs?: number;
}

/** A queue of work (SQS in AWS, in-process locally): at-least-once, retried, then dead-lettered. */
export interface WorkQueue<T> {
  enqueue(items: T[], options?: EnqueueOptions): Promise<void>;
}
/** The send queue: batches of recipients, and the checks of a send's end. */
export type BatchQueue = WorkQueue<SendBatch | SendCheck>;
export type FanOutQueue = WorkQueue<SegmentJob>;

/** Spaces out SES calls of every sender together so their sum stays under the account's MaxSendRate. */
export interface SendPacer {
  /** Resolves when `recipients` more emails may go out. */
  acquire(recipients: number): Promise<void>;
}

export type DeliveryStatus = 'claimed' | 'sent' | 'failed' | 'skipped' | 'cancelled';

/** The sender's writes on delivery records: a claim per recipient before SES is called, then its outcome. */
export interface DeliveryClaims {
  /** Claims (issue, recipient) with a conditional write; false when it was claimed before. */
  claim(issueId: string, batch: SendBatch, recipient: Recipient, at: string): Promise<boolean>;
  /**
   * Records the outcomes of a batch's claimed recipients, in as few writes as the store allows (the claims are
   * this sender's, so nothing else writes these records meanwhile).
   */
  recordOutcomes(batch: SendBatch, claimedAt: string, outcomes: Outcome[]): Promise<void>;
  /** Gives a claim back when SES refused it, so the retried batch sends to that recipient. */
  release(issueId: string, subscriberId: string): Promise<void>;
  /**
   * Ends a claim whose sender stopped before recording the outcome: failed with `reason`, only if the record is
   * still that claim (`claimedAt`); false when something else ended it first.
   */
  failClaim(issueId: string, subscriberId: string, claimedAt: string, reason: string, at: string): Promise<boolean>;
}

/** What SES events, tracking and an unsubscribe mark on a recipient's record after the send. */
export interface DeliveryMarks {
  /** Sets `field` to `at` on a delivery record if it is not set yet; false when it was (an event seen before). */
  markOnce(issueId: string, subscriberId: string, field: string, at: string): Promise<boolean>;
  /**
   * The same in one write for an SES event whose tags name its record: only if the record holds `messageId`. The
   * record as marked; undefined when the condition did not hold (a repeat, another message, no record: the caller
   * finds out which by reading).
   */
  markMessage(
    issueId: string,
    subscriberId: string,
    messageId: string,
    field: string,
    at: string,
  ): Promise<MessageRecord | undefined>;
  /**
   * Turns a sent record failed after all (SES rejected the message, or could not render it): `reason`, `failedAt`
   * and the event's own field set, only if the record is still `sent`; false when it was not (a repeat).
   */
  failSent(
    issueId: string,
    subscriberId: string,
    change: { reason: string; failedAt: string; field: string; eventAt: string },
  ): Promise<boolean>;
  /** Adds `value` to the number set `field` of a delivery record; the set's size after. */
  addToSet(issueId: string, subscriberId: string, field: string, value: number): Promise<number>;
}

/** Reading delivery records, and the erasure's putting an anonymous record in place of a person's. */
export interface DeliveryRecords {
  get(issueId: string, subscriberId: string): Promise<DeliveryRecord | undefined>;
  /** The records of some recipients of an issue (those that have one). */
  getMany(issueId: string, subscriberIds: string[]): Promise<DeliveryRecord[]>;
  /** Every record of an issue, a page at a time (the recounts: after a restart, at a send's end). */
  records(issueId: string): AsyncIterable<DeliveryRecord[]>;
  /** The record of a message, as the message-id index holds it: what an SES event needs to count. */
  findByMessageId(messageId: string): Promise<MessageRecord | undefined>;
  /** Writes a whole record (an erased recipient's anonymous one). */
  put(record: DeliveryRecord): Promise<void>;
  /** Deletes a record; the record as it was when this delete removed it, undefined when another delete came first. */
  delete(issueId: string, subscriberId: string): Promise<DeliveryRecord | undefined>;
}

/** The three ports of delivery records, as one table backs them. */
export type DeliveryStore = DeliveryClaims & DeliveryMarks & DeliveryRecords;

export type Outcome = { recipient: Recipient; at: string } & (
  | { status: 'sent'; messageId: string; tracked?: boolean }
  | { status: 'failed' | 'skipped' | 'cancelled'; reason: string }
);

/** A delivery record as the message-id index holds it: what an SES event needs to count (contracts/tables.ts). */
export type MessageRecord = Pick<
  DeliveryRecord,
  'issueId' | 'subscriberId' | 'messageId' | (typeof MESSAGE_INDEX_FIELDS)[number]
>;

export interface DeliveryRecord {
  issueId: string;
  subscriberId: string;
  status: DeliveryStatus;
  country: string;
  language: string;
  region: string;
  messageId?: string;
  reason?: string;
  /** Sent measured (the pixel and tracked links): the recipient had consented. */
  tracked?: boolean;
  claimedAt: string;
  sentAt?: string;
  failedAt?: string;
  skippedAt?: string;
  cancelledAt?: string;
  /** Set by the Delivery event from SES. */
  deliveredAt?: string;
  /** Set by tracking: the first open and click by a person. */
  openedAt?: string;
  clickedAt?: string;
}

export interface BulkEntry {
  to: string;
  /** Per-recipient values for the edition's placeholders ({{name}}, ...). */
  data: Record<string, string>;
  tags: Record<string, string>;
  /** Per-recipient headers, e.g. List-Unsubscribe. */
  headers?: Record<string, string>;
}
/**
 * An entry SES did not send: `retry` when it may succeed later (throttled, transient), `pause` when no entry can
 * be sent until a person acts (the account suspended or paused, the sender not verified); SES's reason as it gave it.
 */
export type BulkResult =
  { ok: true; messageId: string } | { ok: false; error: string; retry: boolean; pause?: boolean };

export interface Mailer {
  sendBulk(edition: Edition, entries: BulkEntry[]): Promise<BulkResult[]>;
}

export interface EditionRenderer {
  render(view: EditionView): Promise<Edition>;
  /** Several languages of one issue at once: cheaper than one by one, the result the same. */
  renderAll(views: EditionView[]): Promise<Edition[]>;
  /** Fills an edition's per-recipient placeholders the way SES does (used for the web archive). */
  personalize(html: string, data: Record<string, string>): string;
}

/** Starts an issue's send at a given time: EventBridge Scheduler in AWS, a timer in the embedded stack. */
export interface SendScheduler {
  /** With `start`, one of a local-time send's starts (functions/domain/local-time.ts), a schedule of its own. */
  schedule(issueId: string, at: Date, start?: number): Promise<void>;
  /** Removes the schedule; nothing happens when there is none. */
  cancel(issueId: string, start?: number): Promise<void>;
}

/** The SES account's sending quota (GetAccount). */
export interface SendQuota {
  max24HourSend: number;
  sentLast24Hours: number;
  maxSendRate: number;
}

export interface QuotaSource {
  quota(): Promise<SendQuota>;
}
