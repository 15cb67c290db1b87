// Schema validation that fails with a ValidationError naming the field at fault, e.g. `title.bg` or `endDate`.
import type * as z from 'zod';
import { ValidationError } from './errors.ts';

export function validate<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
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
