import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import Handlebars from 'handlebars';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMjmlRenderer } from '../../functions/adapters/mjml-renderer.ts';
import { buildEditionView, type IssueContent } from '../../functions/domain/edition.ts';
import type { EditionRenderer } from '../../functions/domain/ports.ts';
import { recordSchemas, type Highlight, type Issue } from '../../functions/domain/records.ts';
import { multiLine, singleLine, webLink } from '../../functions/domain/text-rules.ts';
import { validate } from '../../functions/domain/validation.ts';
import { ValidationError } from '../../functions/domain/errors.ts';
import { aHighlight, anIssueDraft } from '../support/records.ts';
import { SECON_PROFILE_FILE, secon } from '../support/profile.ts';

const { highlightSchema, issueDraftSchema } = recordSchemas(secon);

const CONTROL_CHARACTERS = ['\u0000', '\u0007', '\u000b', '\u000c', '\u001b', '\u007f', '\u0085', '\u2028', '\u2029'];

describe('links', () => {
  const link = webLink({ mailto: true });

  it('accepts https, http and mailto links', () => {
    expect(link.parse('https://example.com/a?b=1#c')).toBe('https://example.com/a?b=1#c');
    expect(link.parse('http://example.com')).toBe('http://example.com/');
    expect(link.parse('mailto:info@example.com')).toBe('mailto:info@example.com');
  });

  it('refuses links that run, embed or hide something', () => {
    for (const bad of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'https://user:secret@example.com/',
      '//example.com/no-scheme',
      'example.com',
    ]) {
      expect(link.safeParse(bad).success, bad).toBe(false);
    }
    expect(webLink().safeParse('mailto:info@example.com').success).toBe(false);
  });

  it('refuses placeholders, spaces and control characters in a link', () => {
    for (const bad of [
      'https://x.example/{{#each}}',
      'https://x.example/?q={{preferencesUrl}}',
      'https://x.example/#{{trackingToken}}',
      'https://x.example/a b',
      'java\tscript:alert(1)',
      ...CONTROL_CHARACTERS.map((c) => `https://x.example/a${c}b`),
    ]) {
      expect(link.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('stores non-Latin characters percent-encoded, so a redirect header can carry the link', () => {
    expect(link.parse('https://example.com/€-price')).toBe('https://example.com/%E2%82%AC-price');
    expect(link.parse('https://example.com/Αθήνα?q=София')).toBe(
      'https://example.com/%CE%91%CE%B8%CE%AE%CE%BD%CE%B1?q=%D0%A1%D0%BE%D1%84%D0%B8%D1%8F',
    );
  });

  it('never lets through anything but an http(s) or mailto link free of braces, spaces and controls', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.webUrl({ withQueryParameters: true, withFragments: true })),
        (input) => {
          const parsed = link.safeParse(input);
          if (!parsed.success) return;
          expect(parsed.data).toMatch(/^(https?:\/\/[^/\s]|mailto:)/);
          // eslint-disable-next-line no-control-regex -- asserting there are none
          expect(parsed.data).not.toMatch(/[\s{}\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
          expect(parsed.data.length).toBeLessThan(2100);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('texts', () => {
  it('refuses control characters and line breaks in a one-line text', () => {
    for (const c of [...CONTROL_CHARACTERS, '\n', '\r', '\t']) {
      expect(singleLine(200).safeParse(`Subject ${c} here`).success, JSON.stringify(c)).toBe(false);
    }
    expect(singleLine(200).parse('  Ένα θέμα  ')).toBe('Ένα θέμα');
  });

  it('keeps line breaks in a long text and refuses other control characters', () => {
    expect(multiLine(100).parse('First line\r\nSecond\tline')).toBe('First line\nSecond\tline');
    for (const c of CONTROL_CHARACTERS) expect(multiLine(100).safeParse(`a${c}b`).success).toBe(false);
  });

  it('names the subject language whose text holds a control character', () => {
    const draft = { title: 'T', subject: { en: 'Hello', bg: 'Зд\u0085раве' }, intro: { en: 'Hi' }, sections: [] };
    expect(() => validate(issueDraftSchema, draft)).toThrow(expect.objectContaining({ field: 'subject.bg' }));
  });

  it('refuses a __proto__ key anywhere in a body, by name', () => {
    const body = JSON.parse('{"title":{"en":"x","__proto__":{"polluted":true}}}') as unknown;
    expect(() => validate(highlightSchema, body)).toThrow(ValidationError);
    expect(() => validate(highlightSchema, body)).toThrow(expect.objectContaining({ field: 'title.__proto__' }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('inert rendering', () => {
  let renderer: EditionRenderer;
  beforeAll(async () => {
    renderer = await createMjmlRenderer(fileURLToPath(new URL('../../', import.meta.url)), secon, {
      profileFile: SECON_PROFILE_FILE,
    });
  });

  /** The edition's SES placeholders (Handlebars statements), in order: what a recipient's data can fill in. */
  const placeholders = (template: string) => {
    const found: string[] = [];
    const visit = (nodes: hbs.AST.Statement[]) => {
      for (const node of nodes) {
        if (node.type === 'MustacheStatement' || node.type === 'BlockStatement') {
          const statement = node as hbs.AST.MustacheStatement | hbs.AST.BlockStatement;
          found.push(`${node.type}:${(statement.path as hbs.AST.PathExpression).original}`);
          if (node.type === 'BlockStatement') {
            const block = node as hbs.AST.BlockStatement;
            visit(block.program.body);
            if (block.inverse) visit(block.inverse.body);
          }
        }
      }
    };
    visit(Handlebars.parse(template).body);
    return found;
  };

  const issueWith = (text: string): Issue => ({
    id: 'p',
    title: 'P',
    status: 'draft',
    createdAt: '2026-01-01T00:00:00Z',
    subject: { en: text },
    intro: { en: text },
    sections: [{ type: 'highlights', items: ['h'] }],
  });
  const contentWith = (text: string, link: string): IssueContent => {
    const highlight: Highlight = {
      id: 'h',
      country: 'BG',
      place: text,
      startDate: '2026-01-01',
      title: { en: text },
      summary: { en: text },
      body: { en: text },
      link,
      image: { url: link, alt: { en: text } },
    };
    return { highlights: new Map([['h', highlight]]), practices: new Map(), indicators: new Map() };
  };

  it('gives any editor text and link no way to add, open, close or escape a placeholder', async () => {
    const plain = await renderer.render(
      buildEditionView(
        secon,
        issueWith('plain'),
        contentWith('plain', 'https://plain.example/'),
        'en',
        'https://n.example',
      ),
    );
    const expected = {
      html: placeholders(plain.html),
      text: placeholders(plain.text),
      subject: placeholders(plain.subject),
    };
    const hostileText = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1 }),
      fc.constantFrom(
        '{{preferencesUrl}}',
        '{{{trackingToken}}}',
        '{{#each this}}',
        '}}',
        '{',
        '\\',
        '\\{{name}}',
        '{{/if}}',
      ),
    );
    await fc.assert(
      fc.asyncProperty(hostileText, fc.webUrl(), async (text, url) => {
        const link = webLink().parse(url);
        const edition = await renderer.render(
          buildEditionView(secon, issueWith(text), contentWith(text, link), 'en', 'https://n.example'),
        );
        expect(placeholders(edition.html)).toEqual(expected.html);
        expect(placeholders(edition.text)).toEqual(expected.text);
        expect(placeholders(edition.subject)).toEqual(expected.subject);
        const filled = renderer.personalize(edition.html, { name: 'N', trackingToken: 'SECRET-TOKEN' });
        expect(filled.split('SECRET-TOKEN').length).toBe(plain.html.split('{{trackingToken}}').length);
      }),
      { numRuns: 40 },
    );
  });
});

describe('input schemas', () => {
  const valid = { highlight: { id: 'fair', ...aHighlight }, issue: anIssueDraft };
  const strings = (value: unknown): string[] =>
    typeof value === 'string'
      ? [value]
      : value && typeof value === 'object'
        ? Object.values(value).flatMap(strings)
        : [];
  /** A valid record with one field (at any depth) replaced by an arbitrary value. */
  const mutated = (record: Record<string, unknown>) =>
    fc
      .tuple(
        fc.constantFrom(...Object.keys(record)),
        fc.option(fc.constantFrom('en', 'bg', 'url', 'alt')),
        fc.jsonValue(),
      )
      .map(([key, inner, value]) => {
        const copy = structuredClone(record);
        const current = copy[key];
        if (inner && current && typeof current === 'object') (current as Record<string, unknown>)[inner] = value;
        else copy[key] = value;
        return copy;
      });

  for (const [name, schema, record] of [
    ['highlight', highlightSchema, valid.highlight],
    ['issue', issueDraftSchema, valid.issue],
  ] as const) {
    it(`either refuses a ${name} naming a field, or keeps only safe text and links`, () => {
      fc.assert(
        fc.property(fc.oneof(mutated(record), fc.jsonValue()), (input) => {
          let parsed: unknown;
          try {
            parsed = validate(schema, input);
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
            expect((error as ValidationError).field).not.toBe('');
            return;
          }
          for (const text of strings(parsed)) {
            // eslint-disable-next-line no-control-regex -- asserting there are none
            expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
          }
          const link = (parsed as { link?: string }).link;
          if (link !== undefined) expect(link).toMatch(/^(https?:\/\/|mailto:)[^{}\s]*$/);
        }),
        { numRuns: 1000 },
      );
    });
  }
});

describe('body shape', () => {
  it('refuses a body nested deeper than any input, naming the body, before any schema walks it', () => {
    const deep = JSON.parse('['.repeat(150_000) + ']'.repeat(150_000)) as unknown;
    expect(() => validate(highlightSchema, deep)).toThrow(expect.objectContaining({ field: 'body' }));
    const nested = JSON.parse(`{"title":{"en":${'['.repeat(40)}${']'.repeat(40)}}}`) as unknown;
    expect(() => validate(highlightSchema, nested)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('deeper') }),
    );
  });
});
