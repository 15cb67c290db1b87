// Schema validation that fails with a ValidationError naming the field at fault, e.g. `title.bg` or `endDate`.
import type * as z from 'zod';
import { ValidationError } from './errors.ts';

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

export function validate<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const unfit = shapeError(value, prefix);
  if (unfit) throw unfit;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = [...(prefix ? [prefix] : []), ...issue.path.map(String)];
  if (issue.code === 'unrecognized_keys') {
    const fields = issue.keys.map((key) => [...path, key].join('.'));
    throw new ValidationError(fields.join(', '), `unknown field${fields.length > 1 ? 's' : ''}`);
  }
  throw new ValidationError(path.join('.') || 'body', issue.message);
}
