// What a text or a link from a user may contain: the schema primitives every input schema builds on.
import * as z from 'zod';

/**
 * Characters no text of ours needs and some outputs misread: C0 controls but tab and line feed (NUL, VT, ...),
 * DEL and the C1 controls (NEL among them), the Unicode line and paragraph separators (JavaScript and JSON-in-HTML
 * break on them), lone surrogates (not text at all) and the non-characters U+FFFE and U+FFFF.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]|\p{Cs}/gu;
const CONTROL = new RegExp(CONTROLS.source, 'u');

/** The text without the characters the schemas refuse: for texts stored before they did. */
export const withoutControls = (text: string) => text.replace(CONTROLS, '');
const LINE_BREAK = /[\n\t]/;

/** Refines a string schema: no control characters (tab and line feed allowed only where `multiline`). */
function checked(schema: z.ZodString, multiline: boolean) {
  return schema
    .refine((s) => !CONTROL.test(s), 'must not contain control characters')
    .refine((s) => multiline || !LINE_BREAK.test(s), 'must be one line (no line breaks or tabs)');
}

/** One line of text (a title, a name, a place): trimmed, between `min` and `max` characters. */
export const singleLine = (max: number, min = 1) =>
  checked(
    z
      .string()
      .trim()
      .min(min, min === 1 ? 'must not be empty' : `needs at least ${min} characters`),
    false,
  ).pipe(z.string().max(max, `is longer than ${max} characters`));

/** Text that may run over several lines (a summary, a body); Windows line ends become plain line feeds. */
export const multiLine = (max: number) =>
  z
    .string()
    .transform((s) => s.replace(/\r\n?/g, '\n').trim())
    .pipe(checked(z.string().min(1, 'must not be empty').max(max, `is longer than ${max} characters`), true));

const MAX_LINK_LENGTH = 2000;

/**
 * A link an editor gives: http(s), or mailto where `mailto` is allowed. Nothing that runs (`javascript:`), embeds
 * (`data:`) or hides a login (`https://user@host`); no `{` or `}`, which the email templates (and SES) would take for
 * placeholders. Stored as the URL parser writes it, so non-ASCII characters are percent-encoded once, here.
 */
export const webLink = (options: { mailto?: boolean } = {}) =>
  z
    .string()
    .trim()
    .max(MAX_LINK_LENGTH, `is longer than ${MAX_LINK_LENGTH} characters`)
    .refine((s) => !/[\s{}]/.test(s) && !CONTROL.test(s), 'must not contain spaces, braces or control characters')
    .transform((s, context) => {
      const url = URL.canParse(s) ? new URL(s) : undefined;
      const schemes = options.mailto ? ['http:', 'https:', 'mailto:'] : ['http:', 'https:'];
      if (!url || !schemes.includes(url.protocol)) {
        context.addIssue({
          code: 'custom',
          message: `must be a link starting with ${options.mailto ? 'https://, http:// or mailto:' : 'https:// or http://'}`,
        });
        return z.NEVER;
      }
      if (url.protocol !== 'mailto:' && (url.hostname === '' || url.username || url.password)) {
        context.addIssue({ code: 'custom', message: 'must name a host and no user name or password' });
        return z.NEVER;
      }
      return url.href;
    });

/** An email address as a person types it: one line, trimmed, at most 254 characters (RFC 5321's path limit). */
export const emailAddress = () =>
  checked(z.string().trim(), false).pipe(
    z.string().max(254, 'is longer than 254 characters').pipe(z.email('is not an email address')),
  );

/** An odd number of backslashes before `index`: the character there is escaped. */
function escaped(text: string, index: number): boolean {
  let count = 0;
  for (let i = index - 1; i >= 0 && text[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

/**
 * The targets of a text's Markdown links as written: `[text](target "title")` or `[text](<target>)`. A light scan
 * (the schemas are in every function; markdown-it is in those that render), which finds every target markdown-it
 * would and may find more: it only decides what the input check looks at.
 */
export function markdownLinkTargets(text: string): string[] {
  const targets: string[] = [];
  for (let at = text.indexOf(']('); at >= 0; at = text.indexOf('](', at + 2)) {
    if (escaped(text, at)) continue;
    let start = at + 2;
    while (text[start] === ' ' || text[start] === '\t' || text[start] === '\n') start++;
    if (text[start] === '<') {
      const end = text.indexOf('>', start);
      if (end > start) targets.push(text.slice(start + 1, end));
      continue;
    }
    let depth = 0;
    let end = start;
    for (; end < text.length; end++) {
      const c = text[end]!;
      if (c === '\\') end++;
      else if (c === '(') depth++;
      else if (c === ')' && depth-- === 0) break;
      else if (/\s/.test(c)) break;
    }
    if (end > start) targets.push(text.slice(start, end));
  }
  return targets;
}

const LINK_RULE =
  'has a link that does not start with https://, http:// or mailto: (or holds spaces, braces or a password)';

/**
 * A long text (a summary, a body, an introduction): several lines in the Markdown subset of domain/markdown.ts,
 * whose links follow the rules of a link field.
 */
export const longText = (max: number) =>
  multiLine(max).refine(
    (text) => markdownLinkTargets(text).every((target) => webLink({ mailto: true }).safeParse(target).success),
    LINK_RULE,
  );
