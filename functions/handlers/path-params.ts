// What a path parameter may be before any use case sees it: ids name DynamoDB keys, which have length limits.
import { ValidationError } from '../domain/errors.ts';
import { ID_PATTERN } from '../domain/records.ts';

/** Tokens are checked by their signature (and refused past 1,000 characters); nothing else is this long. */
const MAX_PARAM_LENGTH = 1000;
const ID_PARAMS = new Set(['id', 'issueId', 'recordId']);

/** Refuses a parameter that cannot name anything: an id outside the id pattern, or any value past the length cap. */
export function checkPathParams(params: Record<string, string>): void {
  for (const [name, value] of Object.entries(params)) {
    if (ID_PARAMS.has(name) && !ID_PATTERN.test(value)) {
      throw new ValidationError(name, 'is not an id (lower-case letters, digits and dashes, at most 80)');
    }
    if (value.length > MAX_PARAM_LENGTH)
      throw new ValidationError(name, `is longer than ${MAX_PARAM_LENGTH} characters`);
  }
}
