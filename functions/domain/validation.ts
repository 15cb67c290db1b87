// Schema validation that fails with a ValidationError naming the field at fault, e.g. `title.bg` or `endDate`.
import type * as z from 'zod';
import { ValidationError } from './errors.ts';

/**
 * The path of the first `__proto__` key in a parsed value. JSON.parse makes it an ordinary key, which schemas of
 * records (and spreads) would drop without a word; it is refused by name like any unknown field.
 */
function prototypeKeyIn(value: unknown, prefix: string[]): string[] | undefined {
  // A stack, not recursion: a body may nest deeper than the call stack goes.
  const pending: [unknown, string[]][] = [[value, prefix]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, path] = next;
    if (!node || typeof node !== 'object') continue;
    for (const key of Object.keys(node)) {
      if (key === '__proto__') return [...path, key];
      pending.push([(node as Record<string, unknown>)[key], [...path, key]]);
    }
  }
  return undefined;
}

export function validate<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const prototypeKey = prototypeKeyIn(value, prefix ? [prefix] : []);
  if (prototypeKey) throw new ValidationError(prototypeKey.join('.'), 'unknown field');
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
