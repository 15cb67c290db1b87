// Schema validation that fails with a ValidationError naming the field at fault, e.g. `title.bg` or `endDate`.
import type * as z from 'zod';
import { ValidationError, type FieldProblem } from './errors.ts';

/** Deeper than any input of ours nests (a record is four levels deep); deeper is a body built to hurt. */
export const MAX_DEPTH = 32;

type Visit = { node: unknown; key: string; parent: Visit | undefined; depth: number };
const pathOf = (visit: Visit | undefined): string[] => (visit?.parent ? [...pathOf(visit.parent), visit.key] : []);

/**
 * What makes a parsed value unfit before any schema looks at it: nesting past MAX_DEPTH, or a `__proto__` key,
 * which JSON.parse makes an ordinary key and which schemas of records (and spreads) would drop without a word.
 * One pass with a stack (a body may nest deeper than the call stack goes); a path is built only for the culprit.
 */
function shapeError(value: unknown, prefix: string): ValidationError | undefined {
  const root: Visit = { node: value, key: prefix, parent: undefined, depth: 0 };
  const pending: Visit[] = [root];
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    if (!visit.node || typeof visit.node !== 'object') continue;
    if (visit.depth >= MAX_DEPTH) return new ValidationError(prefix || 'body', `nests deeper than ${MAX_DEPTH} levels`);
    for (const key of Object.keys(visit.node)) {
      const child: Visit = {
        node: (visit.node as Record<string, unknown>)[key],
        key,
        parent: visit,
        depth: visit.depth + 1,
      };
      if (key === '__proto__')
        return new ValidationError([...(prefix ? [prefix] : []), ...pathOf(child)].join('.'), 'unknown field');
      pending.push(child);
    }
  }
  return undefined;
}

const FORMATS: Partial<Record<string, string>> = {
  date: 'must be a date (YYYY-MM-DD)',
  datetime: 'must be a date and time with its time zone',
  email: 'is not an email address',
  url: 'must be a link',
};
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
const ofSize = (origin: string, n: number) =>
  origin === 'string' ? plural(n, 'character') : origin === 'array' || origin === 'set' ? plural(n, 'item') : `${n}`;

/** Plain words for zod's own messages ("Invalid input: expected string, received undefined" -> "is required"). */
const plainWords: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return issue.expected === 'object' || issue.expected === 'record'
        ? 'must be a group of fields'
        : `must be a ${issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${String(issue.values[0])}`
        : `must be one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      return issue.origin === 'string' && Number(issue.minimum) === 1
        ? 'must not be empty'
        : `needs at least ${ofSize(issue.origin, Number(issue.minimum))}`;
    case 'too_big':
      return `may have at most ${ofSize(issue.origin, Number(issue.maximum))}`;
    case 'invalid_format':
      return FORMATS[issue.format] ?? `is not in the expected form (${issue.format})`;
    case 'invalid_key':
      // A text keyed by something that is not one of the project's languages: the key's own rule says why.
      return issue.issues[0]?.message ?? 'is not a key this takes';
    default:
      return undefined;
  }
};

/** Every problem of a failed parse, each named by its path; an unknown key is a problem of its own. */
function problemsOf(issues: z.core.$ZodIssue[], prefix: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of issues) {
    const path = [...(prefix ? [prefix] : []), ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ field: [...path, key].join('.'), message: 'unknown field' });
    } else problems.push({ field: path.join('.') || 'body', message: issue.message });
  }
  return problems;
}

export function validate<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const unfit = shapeError(value, prefix);
  if (unfit) throw unfit;
  const parsed = schema.safeParse(value, { error: plainWords });
  if (parsed.success) return parsed.data;
  const problems = problemsOf(parsed.error.issues, prefix);
  // The first issue is the one `field` names (unknown keys named together); every problem is in `fields`.
  const first = parsed.error.issues[0]!;
  if (first.code === 'unrecognized_keys') {
    const path = [...(prefix ? [prefix] : []), ...first.path.map(String)];
    const fields = first.keys.map((key) => [...path, key].join('.'));
    throw new ValidationError(fields.join(', '), `unknown field${fields.length > 1 ? 's' : ''}`, problems);
  }
  throw new ValidationError(problems[0]!.field, problems[0]!.message, problems);
}
