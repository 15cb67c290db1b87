// Composing an issue: create and update drafts whose items exist, report each language's translation
// gaps, preview exactly what a language's subscribers get, and send a test.
import * as z from 'zod';
import { SECTION_KINDS, slugify } from './content.ts';
import { ConflictError, EditConflictError, NotFoundError, ValidationError } from './errors.ts';
import type { Clock, ContentStore, Edition, EditionRenderer, IssueStore, Mailer } from './ports.ts';
import { recordSchemas, type Issue, type IssueDraft, type Text } from './records.ts';
import { perReference, type Language, type Reference } from './reference.ts';
import { loadIssueContent, renderEdition, type IssueContent } from './edition.ts';
import { tagValue } from './message-tags.ts';
import { validate } from './validation.ts';
import { emailAddress } from './text-rules.ts';

export interface EditingDeps {
  issues: IssueStore;
  content: ContentStore;
  clock: Clock;
  reference: Reference;
}

/** Every item must exist as a record of its section's kind; the error names the item, e.g. `sections.1.items.0`. */
async function checkReferences(content: ContentStore, draft: IssueDraft) {
  for (const [s, section] of draft.sections.entries()) {
    const kind = SECTION_KINDS[section.type];
    const found = new Set((await content.getMany(kind, section.items)).map((r) => r.id));
    const missing = section.items.findIndex((id) => !found.has(id));
    if (missing >= 0) {
      throw new ValidationError(`sections.${s}.items.${missing}`, `there is no ${kind} "${section.items[missing]}"`);
    }
  }
}

/** Stores a new draft under an id made from its title (`-2`, `-3`, ... when taken). */
async function storeNewDraft(deps: EditingDeps, draft: IssueDraft): Promise<Issue> {
  const base = slugify(draft.title, 70) || 'issue';
  for (let attempt = 1; attempt <= 50; attempt += 1) {
    const issue: Issue = {
      ...draft,
      id: attempt === 1 ? base : `${base}-${attempt}`,
      status: 'draft',
      createdAt: deps.clock.now().toISOString(),
      version: 1,
    };
    if (await deps.issues.create(issue)) return issue;
  }
  throw new ConflictError(`title: too many issues are called "${draft.title}"`, { field: 'title' });
}

export async function createIssue(deps: EditingDeps, body: unknown): Promise<Issue> {
  const draft = validate(recordSchemas(deps.reference).issueDraftSchema, body);
  await checkReferences(deps.content, draft);
  return storeNewDraft(deps, draft);
}

/** The version a save is based on, when its body names one (the editor app does; a script may not). */
const versionSchema = z.looseObject({ version: z.number().int().positive().optional() });

/** Why a draft cannot change: it is no longer a draft, or another save came first. */
async function refuseChange(deps: EditingDeps, id: string, what: string): Promise<never> {
  const now = await deps.issues.get(id);
  if (!now) throw new NotFoundError(`issue ${id}`);
  if (now.status === 'draft') throw new EditConflictError(`issue ${id}`, now.version ?? 0);
  throw new ConflictError(`issue ${id} is ${now.status}; only a draft can be ${what}`);
}

/** Saves a draft; a body naming the `version` it was based on is refused (409) when another save came since. */
export async function updateIssue(deps: EditingDeps, id: string, body: unknown): Promise<Issue> {
  const existing = await deps.issues.get(id);
  if (!existing) throw new NotFoundError(`issue ${id}`);
  const { version: basedOn, ...fields } = validate(versionSchema, body);
  const draft = validate(recordSchemas(deps.reference).issueDraftSchema, fields);
  await checkReferences(deps.content, draft);
  if (existing.status !== 'draft') return refuseChange(deps, id, 'changed');
  const previous = existing.version ?? 0;
  if (basedOn !== undefined && basedOn !== previous) throw new EditConflictError(`issue ${id}`, previous);
  const { title, subject, preheader, intro, sections, audience } = draft;
  const issue: Issue = {
    ...existing,
    title,
    subject,
    intro,
    sections,
    ...(preheader ? { preheader } : {}),
    version: previous + 1,
  };
  if (!preheader) delete issue.preheader;
  // An edit that leaves the audience out keeps it (the compose form does not show it); `{}` is everyone.
  if (audience) {
    if (Object.keys(audience).length > 0) issue.audience = audience;
    else delete issue.audience;
  }
  if (!(await deps.issues.replaceDraft(issue, previous))) return refuseChange(deps, id, 'changed');
  return issue;
}

/** A new draft with any issue's content, titled "… (copy)"; items whose record is gone since are left out. */
export async function duplicateIssue(
  deps: EditingDeps,
  id: string,
): Promise<{ issue: Issue; leftOut: { section: number; item: string }[] }> {
  const original = await deps.issues.get(id);
  if (!original) throw new NotFoundError(`issue ${id}`);
  const leftOut: { section: number; item: string }[] = [];
  const sections = [];
  for (const [s, section] of original.sections.entries()) {
    const found = new Set((await deps.content.getMany(SECTION_KINDS[section.type], section.items)).map((r) => r.id));
    for (const item of section.items) if (!found.has(item)) leftOut.push({ section: s, item });
    sections.push({ ...section, items: section.items.filter((item) => found.has(item)) });
  }
  const schema = recordSchemas(deps.reference).issueDraftSchema;
  // Every field an editor writes (whatever the draft schema holds), none of the send's.
  const content = Object.fromEntries(Object.keys(schema.shape).map((key) => [key, original[key as keyof Issue]]));
  const title = `${original.title.slice(0, 200 - ' (copy)'.length)} (copy)`;
  const draft = validate(schema, JSON.parse(JSON.stringify({ ...content, title, sections })));
  return { issue: await storeNewDraft(deps, draft), leftOut };
}

/** Deletes a draft; the records it used can be deleted then. A draft whose send once started stays. */
export async function deleteIssue(deps: EditingDeps, id: string): Promise<void> {
  const issue = await deps.issues.get(id);
  if (!issue) throw new NotFoundError(`issue ${id}`);
  if (issue.status === 'draft' && issue.sendStartedAt) {
    throw new ConflictError(
      `issue ${id} was being sent once: its delivery records keep it, so it cannot be deleted; duplicate it instead`,
    );
  }
  if (issue.status !== 'draft' || !(await deps.issues.removeDraft(id))) return refuseChange(deps, id, 'deleted');
}

export interface LanguageStatus {
  complete: boolean;
  /** What falls back to the source language, e.g. "subject" or "practice doeners-be: results". */
  gaps: string[];
}

/** Per language, every text the edition shows that is not translated and so appears in the source language. */
export function translationStatus(
  languages: readonly Language[],
  issue: Issue,
  content: IssueContent,
): Record<Language, LanguageStatus> {
  const texts: [string, Text | undefined][] = [
    ['subject', issue.subject],
    ['preheader', issue.preheader],
    ['intro', issue.intro],
  ];
  for (const section of issue.sections) {
    for (const id of section.items) {
      const h = SECTION_KINDS[section.type] === 'highlight' ? content.highlights.get(id) : undefined;
      const p = section.type === 'practices' ? content.practices.get(id) : undefined;
      const i = section.type === 'indicators' ? content.indicators.get(id) : undefined;
      if (h)
        texts.push(
          [`highlight ${id}: title`, h.title],
          [`highlight ${id}: summary`, h.summary],
          [`highlight ${id}: image alt`, h.image?.alt],
        );
      if (p)
        texts.push(
          [`practice ${id}: title`, p.title],
          [`practice ${id}: summary`, p.summary],
          [`practice ${id}: results`, p.results],
        );
      if (i) texts.push([`indicator ${id}: label`, i.label]);
    }
  }
  const present = texts.filter((entry): entry is [string, Text] => entry[1] !== undefined);
  return Object.fromEntries(
    languages.map((language) => {
      const gaps = [...new Set(present.filter(([, text]) => text[language] === undefined).map(([name]) => name))];
      return [language, { complete: gaps.length === 0, gaps }];
    }),
  ) as Record<Language, LanguageStatus>;
}

/** Confirmed subscribers per language. */
export type AudienceCounts = Record<Language, number>;

/** Languages that have confirmed subscribers but no subject or intro of their own. */
export function blockingGaps(
  audience: AudienceCounts,
  status: Record<Language, LanguageStatus>,
): Partial<Record<Language, string[]>> {
  const blocking: Partial<Record<Language, string[]>> = {};
  for (const language of Object.keys(status)) {
    const gaps = status[language]!.gaps.filter((g) => g === 'subject' || g === 'intro');
    if (gaps.length > 0 && (audience[language] ?? 0) > 0) blocking[language] = gaps;
  }
  return blocking;
}

export interface PreviewDeps extends EditingDeps {
  renderer: EditionRenderer;
  publicUrl: string;
}

/** What the preview fills in for the per-recipient placeholders. */
export const sampleRecipient = (publicUrl: string) => ({
  name: 'Maria',
  unsubscribeUrl: `${publicUrl}/unsubscribe/sample-token`,
  preferencesUrl: `${publicUrl}/preferences/sample-token`,
});

/** A sent issue's stored edition, or a draft rendered now from the current records. */
async function editionOf(deps: PreviewDeps, issueId: string, language: Language): Promise<Edition> {
  const issue = await deps.issues.get(issueId);
  if (!issue) throw new NotFoundError(`issue ${issueId}`);
  if (issue.status !== 'draft') {
    const stored = await deps.issues.getEdition(issueId, language);
    if (stored) return stored;
  }
  return renderEdition(deps, issue, await loadIssueContent(deps.content, issue), language);
}

export const previewQuerySchema = perReference((reference) =>
  z.strictObject({
    lang: recordSchemas(reference).languageSchema,
    format: z.enum(['html', 'text']).default('html'),
  }),
);

export async function previewIssue(deps: PreviewDeps, issueId: string, query: unknown) {
  const { lang, format } = validate(previewQuerySchema(deps.reference), query);
  const edition = await editionOf(deps, issueId, lang);
  const sample = sampleRecipient(deps.publicUrl);
  return { format, body: deps.renderer.personalize(format === 'html' ? edition.html : edition.text, sample) };
}

export const testSendSchema = perReference((reference) =>
  z.strictObject({
    to: emailAddress(),
    lang: recordSchemas(reference).languageSchema.default(reference.sourceLanguage),
  }),
);

/** Sends one edition to one address, its subject marked as a test. */
export async function sendTest(deps: PreviewDeps & { mailer: Mailer }, issueId: string, body: unknown) {
  const { to, lang } = validate(testSendSchema(deps.reference), body);
  const edition = await editionOf(deps, issueId, lang);
  const [result] = await deps.mailer.sendBulk({ ...edition, subject: `[Test] ${edition.subject}` }, [
    { to, data: sampleRecipient(deps.publicUrl), tags: { issue: tagValue(issueId), language: lang, purpose: 'test' } },
  ]);
  if (!result?.ok)
    throw new ConflictError(`to: SES did not accept the test: ${result?.error ?? 'no result'}`, { field: 'to' });
  return { messageId: result.messageId };
}
