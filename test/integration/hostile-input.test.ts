// Hostile input against a running embedded stack: every route of the contract gets malformed encodings, control
// characters, prototype keys, over-long ids and bodies, wrong types, placeholders and unsafe schemes. Whatever
// comes, the answer is a 4xx (naming the field where a body was at fault), never a 5xx; nothing is stored or sent;
// and the process keeps serving.
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../contracts/routes.ts';
import { sentEmails, startTestStack, type TestStack } from '../support/embedded-stack.ts';
import { aHighlight, aPractice, anIssueDraft } from '../support/records.ts';

let test: TestStack;
const ADMIN = 'hostile-test-admin-token-0123456789';

interface Answer {
  status: number;
  type: string;
  body: string;
}

async function send(method: string, path: string, init: { body?: string; type?: string; token?: string } = {}) {
  const response = await fetch(`${test.stack.urls.api}${path}`, {
    method,
    headers: {
      ...(init.token && { authorization: `Bearer ${init.token}` }),
      ...(init.type && { 'content-type': init.type }),
    },
    ...(init.body !== undefined && { body: init.body }),
    redirect: 'manual',
  });
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text() };
}

const fieldOf = (answer: Answer): string | undefined =>
  answer.type.includes('json') ? (JSON.parse(answer.body) as { error?: { field?: string } }).error?.field : undefined;

/** What the stack holds: items per table and emails in the SES emulator. */
async function holdings() {
  const tables = ['content', 'issues', 'subscribers', 'deliveries'];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const { Count } = await test.stack.clients.dynamoDb.send(
      new ScanCommand({ TableName: `herald-${table}`, Select: 'COUNT' }),
    );
    counts[table] = Count ?? 0;
  }
  return { ...counts, emails: (await sentEmails(test.stack)).length };
}

/** Values for path parameters and query strings, as they appear in a URL. */
const HOSTILE_SEGMENTS = [
  '%E0%A4%A', // a truncated UTF-8 escape
  '%ZZ',
  '%00',
  '%C0%AE%C0%AE%2F', // overlong dots
  '..%2F..%2Fetc%2Fpasswd',
  '__proto__',
  'constructor',
  '%7B%7Bname%7D%7D',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  '%E2%80%A8', // U+2028
  '%F0%9F%98%80',
  'a'.repeat(3000),
  'A'.repeat(600) + '.' + 'B'.repeat(600),
];
const HOSTILE_QUERY = HOSTILE_SEGMENTS.flatMap((v) =>
  ['lang', 'token', 'cursor', 'by', 'region', 'format', 'from', 'to', 'country', 'limit'].map((k) => `${k}=${v}`),
);

const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
/** Bodies that are not what any route wants, as JSON and as a form. */
const HOSTILE_BODIES: { type: string; body: string }[] = [
  { type: 'application/json', body: '{' },
  { type: 'application/json', body: 'null' },
  { type: 'application/json', body: '[]' },
  { type: 'application/json', body: '"text"' },
  { type: 'application/json', body: '1e999' },
  { type: 'application/json', body: deep(20_000) },
  { type: 'application/json', body: '{"__proto__":{"admin":true},"email":"a@example.org"}' },
  { type: 'application/json', body: '{"constructor":{"prototype":{"admin":true}}}' },
  { type: 'application/json', body: JSON.stringify({ email: ['x'], language: 1, country: null, consent: 'yes' }) },
  { type: 'application/json', body: JSON.stringify({ to: 'a@example.org\r\nBcc: b@example.org', lang: 'en' }) },
  { type: 'application/json', body: `{"x":"${'y'.repeat(400_000)}"}` },
  { type: 'application/json; charset=utf-16', body: '\ufeff{}' },
  { type: 'text/plain', body: '{}' },
  { type: 'application/x-www-form-urlencoded', body: '%ZZ=%E0%A4%A&email=%00' },
  { type: 'application/x-www-form-urlencoded', body: '__proto__=x&__proto__=y&topics=__proto__' },
  { type: 'application/x-www-form-urlencoded', body: 'List-Unsubscribe=One-Click&confirm=yes&'.repeat(2000) },
];

const path = (template: string, value: string) => template.replace(/\{\w+\}/g, value);
const tokenFor = (access: string) => (access === 'public' ? undefined : ADMIN);

beforeAll(async () => {
  test = await startTestStack('hostile', { adminToken: ADMIN });
});
afterAll(() => test?.dispose());

describe('hostile input on every route', () => {
  it('answers every malformed path, query and body with a 4xx, stores nothing, sends nothing and keeps serving', async () => {
    const before = await holdings();
    const failures: string[] = [];
    const check = (what: string, answer: Answer) => {
      if (answer.status >= 500) failures.push(`${what} -> ${answer.status} ${answer.body.slice(0, 120)}`);
    };

    for (const [name, spec] of Object.entries(ROUTES)) {
      const token = tokenFor(spec.access);
      const hasParams = spec.path.includes('{');
      const targets = hasParams ? HOSTILE_SEGMENTS.map((v) => path(spec.path, v)) : [spec.path];
      for (const target of targets) {
        const answer = await send(spec.method, target, { token });
        check(`${name} ${spec.method} ${target.slice(0, 60)}`, answer);
        // A path parameter no record, issue or link can have is refused, never looked up.
        if (hasParams && spec.method !== 'GET')
          expect(answer.status, `${name} ${target.slice(0, 40)}`).toBeGreaterThanOrEqual(400);
      }
      // Well-formed but unknown: whatever the query or body, nothing real is acted on.
      const base = path(spec.path, 'no-such-thing');
      for (const query of HOSTILE_QUERY) {
        check(`${name} ?${query.slice(0, 40)}`, await send(spec.method, `${base}?${query}`, { token }));
      }
      if (spec.method === 'GET') continue;
      for (const body of HOSTILE_BODIES) {
        const answer = await send(spec.method, base, { ...body, token });
        check(`${name} body ${body.body.slice(0, 40)}`, answer);
      }
    }
    // The web apps' static files, served by the same process.
    for (const segment of HOSTILE_SEGMENTS) {
      for (const prefix of ['/editor/', '/dashboard/', '/', '/vendor/'])
        check(`static ${prefix}${segment.slice(0, 30)}`, await send('GET', `${prefix}${segment}`));
    }
    expect(failures).toEqual([]);
    expect(await holdings()).toEqual(before);
    expect((await send('GET', '/api/issues', { token: ADMIN })).status).toBe(200);
  }, 300_000);
});

describe('hostile fields', () => {
  const [highlight, practice, issue] = [aHighlight, aPractice, anIssueDraft];
  const signup = { email: 'someone@example.org', language: 'en', country: 'BG', consent: true };

  const UNSAFE_LINKS = [
    'javascript:alert(1)',
    ' JAVASCRIPT:alert(1)',
    'data:text/html;base64,PHNjcmlwdD4=',
    'vbscript:x',
    'https://x.example/{{preferencesUrl}}',
    'https://x.example/?{{#each this}}',
    'https://user:pass@x.example/',
    'https://x.example/\u0000',
  ];
  /** Links in a long text's Markdown: the same rules as a link field's. */
  const UNSAFE_MARKDOWN = [
    '[x](javascript:alert(1))',
    'See [{{preferencesUrl}}](https://x.example/{{preferencesUrl}})',
    '- [x](data:text/html;base64,PHNjcmlwdD4=)',
    '**[x](https://user:pass@x.example/)**',
  ];
  const UNSAFE_TEXTS = ['a\u0000b', 'a\u000bb', 'a\u0085b', 'a\u2028b', 'a\ud800b', 'x'.repeat(7000)];

  /** Sets `value` at a dotted path of a copy of `record`. */
  const withField = (record: object, field: string, value: unknown): object => {
    const copy = structuredClone(record) as Record<string, unknown>;
    const keys = field.split('.');
    let node = copy;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[keys.at(-1)!] = value;
    return copy;
  };

  const cases: [string, string, object, string, unknown[]][] = [
    ['POST', '/api/highlights', highlight, 'link', UNSAFE_LINKS],
    ['POST', '/api/highlights', highlight, 'image', UNSAFE_LINKS.map((url) => ({ url, alt: { en: 'x' } }))],
    ['POST', '/api/practices', practice, 'links', UNSAFE_LINKS.map((url) => [url])],
    ...['title.en', 'summary.en', 'body.en', 'place', 'city', 'region'].map(
      (field): [string, string, object, string, unknown[]] => [
        'POST',
        '/api/highlights',
        highlight,
        field,
        UNSAFE_TEXTS,
      ],
    ),
    ...['organisation.name', 'title.en', 'details.en'].map((field): [string, string, object, string, unknown[]] => [
      'POST',
      '/api/practices',
      practice,
      field,
      UNSAFE_TEXTS,
    ]),
    ...['title', 'subject.en', 'preheader.en', 'intro.en'].map((field): [string, string, object, string, unknown[]] => [
      'POST',
      '/api/issues',
      issue,
      field,
      UNSAFE_TEXTS,
    ]),
    ['POST', '/api/highlights', highlight, 'summary.en', UNSAFE_MARKDOWN],
    ['POST', '/api/practices', practice, 'results.en', UNSAFE_MARKDOWN],
    ['POST', '/api/issues', issue, 'intro.en', UNSAFE_MARKDOWN],
    ['POST', '/api/subscribe', signup, 'email', ['a@b', 'x'.repeat(300) + '@example.org', 'a@example.org\r\nBcc: b@x']],
    ['POST', '/api/subscribe', signup, 'name', ['Eve\r\nBcc: x@example.org', 'a\u0000b']],
    ['POST', '/api/subscribe', signup, 'language', ['xx', 1, null]],
    ['POST', '/api/subscribe', signup, 'topics', ['funding', [1], ['__proto__']]],
  ];

  it('refuses unsafe links, control characters and wrong types with a 400 naming the field, storing nothing', async () => {
    const before = await holdings();
    const wrong: string[] = [];
    for (const [method, route, record, field, values] of cases) {
      for (const value of values) {
        const answer = await send(method, route, {
          type: 'application/json',
          body: JSON.stringify(withField(record, field, value)),
          token: route === '/api/subscribe' ? undefined : ADMIN,
        });
        const named = fieldOf(answer) ?? '';
        const top = field.split('.')[0]!;
        if (answer.status !== 400 || !(named === field || named.startsWith(`${top}`))) {
          wrong.push(`${route} ${field}=${JSON.stringify(value).slice(0, 40)} -> ${answer.status} ${named}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(await holdings()).toEqual(before);
  });
});
