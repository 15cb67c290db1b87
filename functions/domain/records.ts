// Schemas of the content records, issues and subscribers: one zod schema gives both validation and type. Those that
// name languages or countries are made from the project's reference (recordSchemas), once per reference.
import * as z from 'zod';
import { perReference, type Reference } from './reference.ts';
import { longText, singleLine, webLink } from './text-rules.ts';
import { audienceSelectionSchema } from './audience.ts';

const isoDate = z.iso.date();
/** The ids of records and issues: they go into URLs and DynamoDB keys as they are. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,79}$/;
export const idSchema = z.string().regex(ID_PATTERN, 'lower-case letters, digits and dashes, at most 80');
const id = idSchema;

/** A text per language, e.g. {"en": "...", "bg": "..."}; the source language's is required. */
export type Text = Partial<Record<string, string>>;

export const SECTION_TYPES = ['highlights', 'practices', 'events', 'indicators'] as const;
export const sectionSchema = z.strictObject({
  type: z.enum(SECTION_TYPES),
  items: z.array(id).max(50),
});
export type Section = z.infer<typeof sectionSchema>;

export const ISSUE_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'cancelled', 'sent'] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];
/** The statuses of an issue whose send has started: its editions are out, to some or all of its audience. */
export const STARTED_STATUSES: readonly IssueStatus[] = ['sending', 'paused', 'cancelled', 'sent'];
export const SUBSCRIBER_STATUSES = ['pending', 'confirmed', 'unsubscribed', 'suppressed'] as const;

/** A record's dates in order; checked only when both dates are dates (a wrong date says so, not this). */
const endsAfterStart = {
  message: 'ends before it starts',
  path: ['endDate'],
  when: (payload: z.core.ParsePayload) =>
    typeof payload.value === 'object' &&
    payload.value !== null &&
    !payload.issues.some((issue) => issue.path?.[0] === 'startDate' || issue.path?.[0] === 'endDate'),
};

function makeSchemas(reference: Reference) {
  const { languages, countryCodes, sourceLanguage } = reference;
  const languageSchema = z
    .string()
    .refine(reference.isLanguage, `must be one of the project's languages: ${languages.join(', ')}`);
  const countrySchema = z
    .string()
    .refine(reference.isCountry, `must be one of the project's countries: ${countryCodes.join(', ')}`);
  const sourceName = new Intl.DisplayNames(['en'], { type: 'language' }).of(sourceLanguage) ?? sourceLanguage;
  /** A text per language; the source language's text is required. */
  const textSchema = (each: z.ZodType<string, string>) =>
    z.partialRecord(languageSchema, each).refine((text) => text[sourceLanguage] !== undefined, {
      message: `needs ${/^[AEIOU]/.test(sourceName) ? 'an' : 'a'} ${sourceName} ("${sourceLanguage}") text`,
    }) as z.ZodType<Text, Text>;

  const highlightSchema = z
    .strictObject({
      id,
      country: countrySchema,
      region: singleLine(80).optional(),
      city: singleLine(80).optional(),
      place: singleLine(200),
      startDate: isoDate,
      endDate: isoDate.optional(),
      participants: z.number().int().nonnegative().max(10_000_000).optional(),
      title: textSchema(singleLine(200)),
      summary: textSchema(longText(1000)),
      body: textSchema(longText(5000)),
      link: webLink({ mailto: true }).optional(),
      image: z.strictObject({ url: webLink(), alt: textSchema(singleLine(300)) }).optional(),
    })
    .refine((h) => !h.endDate || h.endDate >= h.startDate, endsAfterStart);

  const practiceSchema = z
    .strictObject({
      id,
      country: countrySchema,
      region: singleLine(80),
      city: singleLine(80).optional(),
      organisation: z.strictObject({ name: singleLine(200), type: singleLine(120) }),
      startDate: isoDate.optional(),
      endDate: isoDate.optional(),
      title: textSchema(singleLine(200)),
      summary: textSchema(longText(1500)),
      resources: textSchema(longText(3000)).optional(),
      details: textSchema(longText(6000)).optional(),
      results: textSchema(longText(3000)).optional(),
      transfer: textSchema(longText(3000)).optional(),
      links: z
        .array(webLink({ mailto: true }))
        .max(10)
        .optional(),
    })
    .refine((p) => !p.endDate || !p.startDate || p.endDate >= p.startDate, endsAfterStart);

  /** A project indicator: what the project promised and how far it got, e.g. "regional stakeholder meetings: 7 of 7". */
  const indicatorSchema = z.strictObject({
    id,
    label: textSchema(singleLine(200)),
    target: z.number().nonnegative(),
    achieved: z.number().nonnegative(),
    unit: textSchema(singleLine(40)).optional(),
  });

  /** What an editor writes; status and timestamps are the system's. A subject and a preheader are one line. */
  const issueDraftSchema = z.strictObject({
    title: singleLine(200),
    subject: textSchema(singleLine(200)),
    preheader: textSchema(singleLine(200)).optional(),
    intro: textSchema(longText(3000)),
    sections: z.array(sectionSchema).max(10),
    /** Who gets it: every confirmed subscriber when absent (functions/domain/audience.ts). */
    audience: audienceSelectionSchema(reference).optional(),
  });

  const subscriberSchema = z
    .strictObject({
      id,
      email: z.email().max(254),
      name: z.string().max(120).optional(),
      language: languageSchema,
      country: countrySchema,
      region: z.string().min(1).max(80),
      topics: z.array(z.string().max(40)).max(20).optional(),
      status: z.enum(SUBSCRIBER_STATUSES),
      /** Consented to measuring opens and clicks; absent: not measured. */
      tracking: z.boolean().optional(),
    })
    .refine((s) => reference.regionsOf(s.country).includes(s.region), {
      message: "is not one of the country's regions",
      path: ['region'],
    });

  return {
    languageSchema,
    countrySchema,
    textSchema,
    highlightSchema,
    practiceSchema,
    indicatorSchema,
    issueDraftSchema,
    subscriberSchema,
  };
}

export type RecordSchemas = ReturnType<typeof makeSchemas>;

/** The schemas of the project's records, made once per reference. */
export const recordSchemas: (reference: Reference) => RecordSchemas = perReference(makeSchemas);

export type Highlight = z.infer<RecordSchemas['highlightSchema']>;
export type Practice = z.infer<RecordSchemas['practiceSchema']>;
export type Indicator = z.infer<RecordSchemas['indicatorSchema']>;
export type IssueDraft = z.infer<RecordSchemas['issueDraftSchema']>;
export type Subscriber = z.infer<RecordSchemas['subscriberSchema']>;

export type Issue = IssueDraft & {
  id: string;
  status: IssueStatus;
  createdAt: string;
  /** Counts the saved changes of a draft (1 when created): a save naming an older version is refused. */
  version?: number;
  /** When a scheduled send starts (ISO 8601). */
  scheduledAt?: string;
  /** The editor accepted fallback to the source language when scheduling. */
  allowFallback?: boolean;
  /** When its send started (ISO 8601): the date readers got it. */
  sendStartedAt?: string;
  sentAt?: string;
  /** When the send's end check set its counts from its delivery records (once, after the send settled). */
  reconciledAt?: string;
  /** When its send was last paused, and why: an editor, or SES or the recipients' reactions (an auto-pause). */
  pausedAt?: string;
  pauseReason?: string;
  /** `editor` when a person paused it; otherwise the check that did (send-controls.ts). */
  pausedBy?: string;
  resumedAt?: string;
  /** An editor resumed it after a pause for its bounce or complaint rate: rates no longer pause it. */
  ratesAccepted?: boolean;
  cancelledAt?: string;
};
