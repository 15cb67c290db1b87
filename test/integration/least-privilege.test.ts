// The IAM roles of the API functions (PublicApi, UnsubscribeApi, EditorApi) held against what their routes really do:
// a user's way through every route of the contract on the embedded stack records each DynamoDB call, and the
// synthesized role of the function serving that route must allow it. A grant missing for a route fails here, not in
// a deployed account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFunctionOf, ROUTES, type ApiFunction, type RouteName } from '../../contracts/routes.ts';
import { SAMPLE_ISSUE_ID } from '../support/profile.ts';
import { removeAssemblies, synthHerald, logicalId } from '../infra/herald-app.ts';
import { sentEmails, startTestStack, type TestStack } from '../support/embedded-stack.ts';
import { aHighlight } from '../support/records.ts';
import { subscriberIdFor } from '../../functions/domain/subscribers.ts';

const TABLES = ['Content', 'Issues', 'Subscribers', 'Deliveries'];
const ADMIN = 'least-privilege-admin-token-0123456789';

/** Each API function's construct in the stateless stack. */
const CONSTRUCTS: Record<ApiFunction, string> = {
  public: 'PublicApi',
  unsubscribe: 'UnsubscribeApi',
  editor: 'EditorApi',
  images: 'ImagesApi',
};
const FUNCTIONS = Object.keys(CONSTRUCTS) as ApiFunction[];

let test: TestStack;
/** `action table[/index]` per function, as the synthesized roles allow. */
let granted: Record<ApiFunction, Set<string>>;
/** Who is calling now; calls made while no route runs (setup, queues) are not checked. */
let caller: ApiFunction | undefined;
const calls = Object.fromEntries(FUNCTIONS.map((fn) => [fn, new Set<string>()])) as Record<ApiFunction, Set<string>>;
const routesUsed = new Set<RouteName>();

function grantsOf(herald: ReturnType<typeof synthHerald>, fn: string): Set<string> {
  const template = herald.statelessTemplate;
  const role = logicalId(herald.stateless.node.findChild(`${fn}Role`));
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
  const found = new Set<string>();
  for (const policy of Object.values(policies)) {
    for (const statement of policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]) {
      for (const resource of [statement.Resource].flat()) {
        const text = JSON.stringify(resource);
        const table = TABLES.find((t) => text.includes(t));
        if (!table) continue;
        const index = /\/index\/(\w+)/.exec(text)?.[1];
        for (const action of [statement.Action].flat() as string[]) {
          if (action.startsWith('dynamodb:')) found.add(`${action.slice(9)} ${table}${index ? `/index/${index}` : ''}`);
        }
      }
    }
  }
  return found;
}

/** The embedded stack's tables are `herald-<id in lower case>`. */
const tableOf = (name: string) => TABLES.find((t) => name === `herald-${t.toLowerCase()}`) ?? name;

async function route(
  name: RouteName,
  path: string,
  init: { body?: unknown; form?: string; csv?: string; token?: string } = {},
) {
  const spec = ROUTES[name];
  const { stack } = test;
  routesUsed.add(name);
  // The queues' work (fan-out, senders) is other functions': it waits while the route runs and is done after.
  stack.queue.pause();
  stack.fanOutQueue.pause();
  caller = apiFunctionOf(spec);
  try {
    const token = init.token ?? (spec.access === 'public' ? undefined : ADMIN);
    const response = await fetch(`${test.stack.urls.api}${path}`, {
      method: spec.method,
      redirect: 'manual',
      headers: {
        ...(token && { authorization: `Bearer ${token}` }),
        ...(init.body !== undefined && { 'content-type': 'application/json' }),
        ...(init.form !== undefined && { 'content-type': 'application/x-www-form-urlencoded' }),
        ...(init.csv !== undefined && { 'content-type': 'text/csv' }),
      },
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
      ...(init.form !== undefined && { body: init.form }),
      ...(init.csv !== undefined && { body: init.csv }),
    });
    const text = await response.text();
    expect(
      response.status,
      `${name} ${path}: ${text
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .slice(0, 600)}`,
    ).toBeLessThan(400);
    return text;
  } finally {
    caller = undefined;
    stack.queue.resume();
    stack.fanOutQueue.resume();
    await stack.drained();
  }
}

beforeAll(async () => {
  const herald = synthHerald();
  granted = Object.fromEntries(FUNCTIONS.map((fn) => [fn, grantsOf(herald, CONSTRUCTS[fn])])) as typeof granted;
  test = await startTestStack('least-privilege', { adminToken: ADMIN });
  test.stack.clients.dynamoDb.middlewareStack.add(
    (next, context) => async (args) => {
      if (caller) {
        const input = args.input as { TableName?: string; IndexName?: string; RequestItems?: object };
        const tables = input.TableName ? [input.TableName] : Object.keys(input.RequestItems ?? {});
        const action = (context.commandName ?? '').replace(/Command$/, '');
        for (const table of tables) {
          calls[caller].add(`${action} ${tableOf(table)}${input.IndexName ? `/index/${input.IndexName}` : ''}`);
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordCalls' },
  );
}, 120_000);
afterAll(async () => {
  await test?.dispose();
  removeAssemblies();
});

describe('least privilege of the API functions', () => {
  it('lets each API function make every DynamoDB call its routes make, and the routes cover the contract', async () => {
    const { stack } = test;
    // Editors: records, issues, previews, tests, sends and stats.
    await route('me', '/api/me');
    await route('reference', '/api/reference');
    await route('listHighlights', '/api/highlights?country=BG&language=en&limit=5');
    const highlight = aHighlight;
    const { id } = JSON.parse(await route('createHighlight', '/api/highlights', { body: highlight })) as { id: string };
    await route('getHighlight', `/api/highlights/${id}`);
    await route('updateHighlight', `/api/highlights/${id}`, { body: { ...highlight, place: 'Haskovo city' } });
    await route('deleteHighlight', `/api/highlights/${id}`);
    const practices = JSON.parse(await route('listPractices', '/api/practices?limit=2')) as {
      items: { id: string }[];
      nextCursor?: string;
    };
    const practice = practices.items[0]!;
    await route('getPractice', `/api/practices/${practice.id}`);
    await route('updatePractice', `/api/practices/${practice.id}`, { body: practice });
    const created = JSON.parse(
      await route('createPractice', '/api/practices', {
        body: { ...practice, id: undefined, title: { en: 'Copied practice' } },
      }),
    ) as { id: string };
    await route('deletePractice', `/api/practices/${created.id}`);
    await route('listIndicators', '/api/indicators');
    // Images: the ImagesApi touches no table (its buckets are checked in test/infra/images.test.ts).
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const upload = JSON.parse(
      await route('startImageUpload', '/api/images/uploads', { body: { type: 'image/png', size: png.length } }),
    ) as { id: string; upload: { url: string; headers: Record<string, string> } };
    await fetch(upload.upload.url, { method: 'PUT', headers: upload.upload.headers, body: new Uint8Array(png) });
    await route('processImage', '/api/images', { body: { id: upload.id } });
    await route('listIssues', '/api/issues');
    const draft = { title: 'Privileges', subject: { en: 'S' }, intro: { en: 'I' }, sections: [] };
    const issue = JSON.parse(await route('createIssue', '/api/issues', { body: draft })) as { id: string };
    await route('updateIssue', `/api/issues/${issue.id}`, { body: { ...draft, title: 'Privileges 2' } });
    await route('previewIssue', `/api/issues/${issue.id}/preview?lang=bg&format=html`);
    await route('testIssue', `/api/issues/${issue.id}/test`, { body: { to: 'reviewer@example.org', lang: 'en' } });
    await route('issueAudience', `/api/issues/${issue.id}/audience`);
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await route('sendIssue', `/api/issues/${issue.id}/send`, { body: { at: later, allowFallback: true } });
    await route('cancelScheduledSend', `/api/issues/${issue.id}/schedule`);
    // A running send's controls; the draft is made running directly, as the queues drain after each route.
    await stack.services.issues.transition(issue.id, 'draft', 'sending');
    await route('pauseSend', `/api/issues/${issue.id}/pause`);
    await route('resumeSend', `/api/issues/${issue.id}/resume`);
    await route('cancelSend', `/api/issues/${issue.id}/cancel`);
    const copy = JSON.parse(await route('duplicateIssue', `/api/issues/${issue.id}/duplicate`)) as { id: string };
    await route('deleteIssue', `/api/issues/${copy.id}`);
    await route('sendIssue', `/api/issues/${SAMPLE_ISSUE_ID}/send`, { body: { allowFallback: true } });
    await route('getIssue', `/api/issues/${SAMPLE_ISSUE_ID}`);
    await route('issueStats', `/api/issues/${SAMPLE_ISSUE_ID}/stats?by=language`, { token: stack.tokens.coordinator });
    await route('compareIssues', '/api/stats/issues');
    const day = new Date().toISOString().slice(0, 10);
    await route('disseminationReport', `/api/reports/dissemination?from=${day}&to=${day}&format=pdf`, {
      token: stack.tokens.coordinator,
    });
    await route('growth', `/api/stats/growth?from=${day}&to=${day}&by=region`);
    // Admins: a subscriber import, one row confirmed at once, one asked to confirm (its email paced).
    const csv = 'email,language,country\nimported@example.org,en,BE\n';
    await route('importSubscribers', '/api/subscribers/import?mode=consented&consentDate=2025-01-01&source=fair', {
      csv,
    });
    await route('importSubscribers', '/api/subscribers/import?mode=confirm', {
      csv: csv.replace('imported@', 'asked@'),
    });

    // The public: the archive, tracking, the subscriber's links, signup and confirmation.
    await route('archive', `/archive/${SAMPLE_ISSUE_ID}/bg`);
    await route('archiveIndex', '/archive/bg/');
    await route('archiveFeed', '/archive/bg/feed.xml');
    await route('archiveRecord', `/archive/${SAMPLE_ISSUE_ID}/bg/highlight-caceres-workshop`);
    await route('privacyPage', '/privacy?lang=bg');
    await route('accessibilityPage', '/accessibility?lang=bg');
    const mail = (await sentEmails(stack)).find((e) => e.body.html?.includes('/t/open/'))!;
    const find = (pattern: RegExp) => pattern.exec(mail.body.html ?? '')![1]!;
    await route('trackOpen', `/t/open/${find(/\/t\/open\/([^"]+)"/)}`);
    await route('trackClick', `/t/click/${find(/\/t\/click\/([^"]+\.\d+)"/)}`);
    const manage = find(/\/preferences\/([^"?]+)"/);
    await route('preferencesPage', `/preferences/${manage}`);
    await route('getPreferences', `/api/preferences/${manage}`);
    const preferences = JSON.parse(await route('getPreferences', `/api/preferences/${manage}`)) as Record<
      string,
      unknown
    >;
    const { language, country, region, topics } = preferences;
    await route('updatePreferences', `/api/preferences/${manage}`, { body: { language, country, region, topics } });
    await route('preferencesForm', `/preferences/${manage}`, {
      form: `language=${language}&country=${country}&region=${encodeURIComponent(String(region))}`,
    });
    await route('exportData', `/api/preferences/${manage}/export`);
    await route('unsubscribePage', `/unsubscribe/${manage}`);
    await route('unsubscribe', `/unsubscribe/${manage}`, { form: 'List-Unsubscribe=One-Click' });
    await route('erase', `/api/preferences/${manage}`);
    const other = (await sentEmails(stack)).find(
      (e) => e.messageId !== mail.messageId && e.body.html?.includes('/t/open/'),
    )!;
    const otherManage = /\/preferences\/([^"?]+)"/.exec(other.body.html ?? '')![1]!;
    await route('eraseForm', `/preferences/${otherManage}/erase`, { form: 'confirm=yes' });

    await route('signupPage', '/subscribe?lang=el');
    await route('subscribe', '/api/subscribe', {
      body: { email: 'new.reader@example.org', language: 'el', country: 'GR', consent: true },
    });
    const confirmation = (await sentEmails(stack)).find((e) => e.destination.to.includes('new.reader@example.org'))!;
    const confirmToken = /token=([\w.-]+)/.exec(confirmation.body.text ?? '')![1]!;
    // Admins: the pending signup's link sent again, then the list, its export, a subscriber's page and changes.
    const newReader = subscriberIdFor('new.reader@example.org');
    await route('resendConfirmation', `/api/subscribers/${newReader}/resend-confirmation`);
    await route('confirmSubscription', `/api/subscribe/confirm?token=${confirmToken}`);
    await route('confirmSubscriptionForm', `/api/subscribe/confirm?token=${confirmToken}`, { form: '' });
    await route('listSubscribers', '/api/subscribers?country=GR&q=reader');
    await route('exportSubscribers', '/api/subscribers/export?status=confirmed');
    await route('getSubscriber', `/api/subscribers/${newReader}`);
    await route('unsubscribeSubscriber', `/api/subscribers/${newReader}/unsubscribe`);
    await route('suppressSubscriber', `/api/subscribers/${newReader}/suppress`);
    await route('eraseSubscriber', `/api/subscribers/${newReader}`);
    await route('importSuppressions', '/api/suppressions', { csv: 'email\nbounced@example.org\n' });

    // The ImagesApi works on its buckets only: it makes no DynamoDB call and is granted none.
    expect([...calls.images, ...granted.images]).toEqual([]);
    for (const fn of FUNCTIONS.filter((f) => f !== 'images')) {
      expect(calls[fn].size, `${CONSTRUCTS[fn]} makes calls`).toBeGreaterThan(0);
      expect(
        [...calls[fn]].filter((call) => !granted[fn].has(call)),
        `${CONSTRUCTS[fn]} lacks`,
      ).toEqual([]);
    }
    // Every route of the contract was taken, so a new route cannot slip past this test.
    expect((Object.keys(ROUTES) as RouteName[]).filter((name) => !routesUsed.has(name))).toEqual([]);
  }, 120_000);
});
