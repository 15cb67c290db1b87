// The DynamoDB tables, defined once: the CDK stateful stack, the embedded stack and the functions' settings (the
// env var naming each table) all build from this.
// Every key attribute is a string; numbers live only in non-key attributes (counters).

export interface IndexDefinition {
  name: string;
  partitionKey: string;
  sortKey?: string;
  /** 'ALL', 'KEYS_ONLY' or the non-key attributes to include. */
  projection: 'ALL' | 'KEYS_ONLY' | string[];
}

export interface TableDefinition {
  /** Construct id in CDK, and the suffix of the table name in the embedded stack. */
  id: string;
  /** The environment variable that carries the table's name to the functions. */
  envVar: string;
  partitionKey: string;
  sortKey?: string;
  indexes: IndexDefinition[];
  /**
   * A number attribute (epoch seconds) after which DynamoDB may delete the item (TTL), in AWS only: the
   * embedded stack ignores it, so code must never trust an item to be gone once it has expired.
   */
  timeToLiveAttribute?: string;
}

/** Content records: pk `kind` (highlight | practice | partner | indicator), sk the record id. */
export const contentTable = {
  id: 'Content',
  envVar: 'CONTENT_TABLE',
  partitionKey: 'kind',
  sortKey: 'id',
  indexes: [],
} as const satisfies TableDefinition;

/**
 * Issues and everything that belongs to one: sk `ISSUE` (the issue), `EDITION#<lang>` (a rendered
 * edition), `COUNTER#<dimension>#<key>` (per-segment counters), `SKETCH#<dimension>#<key>` (the segment's people
 * sketches: recipients, openers, clickers). One Query reads an issue's progress. Apart from any issue, the
 * partitions `GROWTH#<dimension>` hold the audience's growth counters, sk `<key>#<YYYY-MM>`.
 * Only ISSUE items carry `listKey`, so the index lists issues by creation time and nothing else.
 */
export const issuesTable = {
  id: 'Issues',
  envVar: 'ISSUES_TABLE',
  partitionKey: 'issueId',
  sortKey: 'sk',
  indexes: [{ name: 'byCreatedAt', partitionKey: 'listKey', sortKey: 'createdAt', projection: 'ALL' }],
} as const satisfies TableDefinition;

/**
 * Subscribers by id. `audience` = `<country>#<language>#<status>` lets a send read one
 * (country, language) segment's confirmed subscribers page by page, never a scan. The signup rate limiter
 * keeps its counters here too (`rate#<key>#<window seconds>#<window>`, no `audience`, so in no index), with
 * `expiresAt` for DynamoDB to delete them once their window is over.
 */
export const subscribersTable = {
  id: 'Subscribers',
  envVar: 'SUBSCRIBERS_TABLE',
  partitionKey: 'id',
  indexes: [
    {
      name: 'byAudience',
      partitionKey: 'audience',
      sortKey: 'id',
      // Topics too: an issue's selection may narrow a segment to some topics.
      projection: ['email', 'name', 'language', 'country', 'region', 'topics'],
    },
    { name: 'byEmail', partitionKey: 'email', projection: 'KEYS_ONLY' },
  ],
  timeToLiveAttribute: 'expiresAt',
} as const satisfies TableDefinition;

/**
 * A delivery record's fields the message-id index holds besides the keys: none that an SES event's mark or a
 * failure changes, so marking a record writes no index entry (a write unit saved per event). An SES event whose
 * tags do not name its record is counted from these.
 */
export const MESSAGE_INDEX_FIELDS = ['country', 'language', 'region', 'tracked'] as const;

/** One record per (issue, recipient): claimed before SES is called, then sent or failed; found again by SES message id. */
export const deliveriesTable = {
  id: 'Deliveries',
  envVar: 'DELIVERIES_TABLE',
  partitionKey: 'issueId',
  sortKey: 'subscriberId',
  indexes: [{ name: 'byMessageId', partitionKey: 'messageId', projection: [...MESSAGE_INDEX_FIELDS] }],
} as const satisfies TableDefinition;

export const TABLES: readonly TableDefinition[] = [contentTable, issuesTable, subscribersTable, deliveriesTable];
