// Schemas of the content records, issues and subscribers: one zod schema gives both validation and type.
import * as z from 'zod';
import { COUNTRY_CODES, LANGUAGES, regionsOf, type Country } from './reference.ts';
import { multiLine, singleLine, webLink } from './text-rules.ts';

export const languageSchema = z.enum(LANGUAGES);
export const countrySchema = z.enum(COUNTRY_CODES as [Country, ...Country[]]);
const isoDate = z.iso.date();
/** The ids of records and issues: they go into URLs and DynamoDB keys as they are. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,79}$/;
export const idSchema = z.string().regex(ID_PATTERN, 'lower-case letters, digits and dashes, at most 80');
const id = idSchema;

/** A text per language, e.g. {"en": "...", "bg": "..."}; English, the source language, is required. */
export const textSchema = (each: z.ZodType<string, string>) =>
  z
    .partialRecord(languageSchema, each)
    .refine((text) => text.en !== undefined, { message: 'needs an English ("en") text' });
export type Text = Partial<Record<z.infer<typeof languageSchema>, string>>;

export const highlightSchema = z
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
    summary: textSchema(multiLine(1000)),
    body: textSchema(multiLine(5000)),
    link: webLink({ mailto: true }).optional(),
    image: z.strictObject({ url: webLink(), alt: textSchema(singleLine(300)) }).optional(),
  })
  .refine((h) => !h.endDate || h.endDate >= h.startDate, { message: 'ends before it starts', path: ['endDate'] });
export type Highlight = z.infer<typeof highlightSchema>;

export const practiceSchema = z
  .strictObject({
    id,
    country: countrySchema,
    region: singleLine(80),
    city: singleLine(80).optional(),
    organisation: z.strictObject({ name: singleLine(200), type: singleLine(120) }),
    startDate: isoDate.optional(),
    endDate: isoDate.optional(),
    title: textSchema(singleLine(200)),
    summary: textSchema(multiLine(1500)),
    resources: textSchema(multiLine(3000)).optional(),
    details: textSchema(multiLine(6000)).optional(),
    results: textSchema(multiLine(3000)).optional(),
    transfer: textSchema(multiLine(3000)).optional(),
    links: z
      .array(webLink({ mailto: true }))
      .max(10)
      .optional(),
  })
  .refine((p) => !p.endDate || !p.startDate || p.endDate >= p.startDate, {
    message: 'ends before it starts',
    path: ['endDate'],
  });
export type Practice = z.infer<typeof practiceSchema>;

/** A project partner (shown in the footer and used for the indicators' context). */
export const partnerSchema = z.strictObject({
  id,
  name: singleLine(200),
  country: countrySchema,
  region: singleLine(80),
  role: singleLine(80).optional(),
  link: webLink().optional(),
});
export type Partner = z.infer<typeof partnerSchema>;

/** A project indicator: what SECON promised and how far it got, e.g. "regional stakeholder meetings: 7 of 7". */
export const indicatorSchema = z.strictObject({
  id,
  label: textSchema(singleLine(200)),
  target: z.number().nonnegative(),
  achieved: z.number().nonnegative(),
  unit: textSchema(singleLine(40)).optional(),
});
export type Indicator = z.infer<typeof indicatorSchema>;

export const SECTION_TYPES = ['highlights', 'practices', 'events', 'indicators'] as const;
export const sectionSchema = z.strictObject({
  type: z.enum(SECTION_TYPES),
  items: z.array(id).max(50),
});
export type Section = z.infer<typeof sectionSchema>;

/** What an editor writes; status and timestamps are the system's. A subject and a preheader are one line. */
export const issueDraftSchema = z.strictObject({
  title: singleLine(200),
  subject: textSchema(singleLine(200)),
  preheader: textSchema(singleLine(200)).optional(),
  intro: textSchema(multiLine(3000)),
  sections: z.array(sectionSchema).max(10),
});
export type IssueDraft = z.infer<typeof issueDraftSchema>;

export const ISSUE_STATUSES = ['draft', 'scheduled', 'sending', 'sent'] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];
export type Issue = IssueDraft & {
  id: string;
  status: IssueStatus;
  createdAt: string;
  /** When a scheduled send starts (ISO 8601). */
  scheduledAt?: string;
  /** The editor accepted English fallback when scheduling. */
  allowFallback?: boolean;
  sentAt?: string;
  /** When the send's end check set its counts from its delivery records (once, after the send settled). */
  reconciledAt?: string;
};

export const SUBSCRIBER_STATUSES = ['pending', 'confirmed', 'unsubscribed', 'suppressed'] as const;
export const subscriberSchema = z
  .strictObject({
    id,
    email: z.email().max(254),
    name: z.string().max(120).optional(),
    language: languageSchema,
    country: countrySchema,
    region: z.string().min(1).max(80),
    topics: z.array(z.string().max(40)).max(20).optional(),
    status: z.enum(SUBSCRIBER_STATUSES),
  })
  .refine((s) => regionsOf(s.country).includes(s.region), {
    message: "is not one of the country's regions",
    path: ['region'],
  });
export type Subscriber = z.infer<typeof subscriberSchema>;
