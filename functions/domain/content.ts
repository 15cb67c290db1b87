// Editing content records (highlights and best practices): validated, with ids from their source-language titles.
import * as z from 'zod';
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import type { ContentStore, IssueStore, RecordKind, RecordTypes } from './ports.ts';
import { ID_PATTERN, recordSchemas, type IssueStatus, type Section } from './records.ts';
import { perReference, type Reference } from './reference.ts';
import { validate } from './validation.ts';

/** The schemas of the records editors write, by kind. */
export const editableSchemas = perReference((reference) => {
  const { highlightSchema, practiceSchema } = recordSchemas(reference);
  return { highlight: highlightSchema, practice: practiceSchema } as const;
});
export type EditableKind = 'highlight' | 'practice';

/** What the record use cases need: the store and the project's reference. */
export interface ContentDeps {
  content: ContentStore;
  reference: Reference;
}

/** The section types whose items are records of each kind. */
export const SECTION_KINDS: Record<Section['type'], RecordKind> = {
  highlights: 'highlight',
  events: 'highlight',
  practices: 'practice',
  indicators: 'indicator',
};

const isoDate = z.iso.date();
export const listQuerySchema = perReference((reference) => {
  const { countrySchema, languageSchema } = recordSchemas(reference);
  return z.strictObject({
    country: countrySchema.optional(),
    language: languageSchema.optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
  });
});

export function slugify(text: string, max = 60): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
}

const encodeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!ID_PATTERN.test(id)) throw new ValidationError('cursor', 'is not a cursor this API gave out');
  return id;
}

export async function listRecords<K extends EditableKind | 'indicator'>(deps: ContentDeps, kind: K, query: unknown) {
  const q = validate(listQuerySchema(deps.reference), query);
  if (q.from && q.to && q.to < q.from) throw new ValidationError('to', 'is before from');
  const page = await deps.content.page(kind, q, q.limit, q.cursor ? decodeCursor(q.cursor) : undefined);
  return { items: page.items, ...(page.after && { nextCursor: encodeCursor(page.after) }) };
}

export async function getRecord<K extends RecordKind>(content: ContentStore, kind: K, id: string) {
  const record = await content.get(kind, id);
  if (!record) throw new NotFoundError(`${kind} ${id}`);
  return record;
}

/**
 * Creates a record. Without an id, one is made from the source-language title (`-2`, `-3`, ... when taken);
 * a given id that is taken is a conflict.
 */
export async function createRecord<K extends EditableKind>(deps: ContentDeps, kind: K, body: unknown) {
  const fields = validate(z.record(z.string(), z.unknown()), body);
  const given = fields.id !== undefined;
  const sourceTitle = (fields.title as Record<string, unknown> | undefined)?.[deps.reference.sourceLanguage];
  const id = given ? fields.id : slugify(typeof sourceTitle === 'string' ? sourceTitle : '') || kind;
  const record = validate(editableSchemas(deps.reference)[kind], { ...fields, id }) as RecordTypes[K];
  for (let attempt = 1; attempt <= 20; attempt += 1) {
    const id = attempt === 1 ? record.id : `${record.id.slice(0, 70)}-${attempt}`;
    if (await deps.content.create(kind, { ...record, id })) return { ...record, id };
    if (given) throw new ConflictError(`id: a ${kind} "${record.id}" exists already`, { field: 'id' });
  }
  throw new ConflictError(`id: could not find a free id for "${record.id}"`, { field: 'id' });
}

/** Replaces a record, unless a scheduled issue uses it: what was checked when it was scheduled is what goes out. */
export async function updateRecord<K extends EditableKind>(
  deps: ContentDeps & { issues: IssueStore },
  kind: K,
  id: string,
  body: unknown,
) {
  const fields = validate(z.record(z.string(), z.unknown()), body);
  if (fields.id !== undefined && fields.id !== id) throw new ValidationError('id', 'must match the id in the URL');
  const record = validate(editableSchemas(deps.reference)[kind], { ...fields, id }) as RecordTypes[K];
  await refuseIfUsed(deps.issues, kind, id, ['scheduled'], 'changed');
  if (!(await deps.content.replace(kind, record))) throw new NotFoundError(`${kind} ${id}`);
  return record;
}

/** Deletes a record that no draft or scheduled issue uses (a sent issue keeps its rendered editions). */
export async function deleteRecord(
  deps: { content: ContentStore; issues: IssueStore },
  kind: EditableKind,
  id: string,
) {
  await refuseIfUsed(deps.issues, kind, id, ['draft', 'scheduled'], 'deleted');
  if (!(await deps.content.remove(kind, id))) throw new NotFoundError(`${kind} ${id}`);
}

/** A conflict naming the issues in one of `statuses` whose sections list the record. */
async function refuseIfUsed(issues: IssueStore, kind: EditableKind, id: string, statuses: IssueStatus[], verb: string) {
  const users = (await issues.list()).filter(
    (issue) =>
      statuses.includes(issue.status) &&
      issue.sections.some((section) => SECTION_KINDS[section.type] === kind && section.items.includes(id)),
  );
  if (users.length > 0) {
    const named = users.map((i) => `${i.id} (${i.status})`).join(', ');
    throw new ConflictError(`${kind} ${id} is used by issue ${named}, so it cannot be ${verb}`, {
      issues: users.map((i) => i.id),
    });
  }
}
