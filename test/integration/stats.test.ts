// Coordinators' figures on the embedded stack: stats per region, country and language, CSV, scoping, and
// the unsubscribes, opens and clicks that feed them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentEmails, startTestStack, type StoredEmail, type TestStack } from '../support/embedded-stack.ts';
import { SAMPLE_ISSUE_ID } from '../support/profile.ts';
import subscribers from '../../local/sample/secon/subscribers.json' with { type: 'json' };

let test: TestStack;
let emails: StoredEmail[];
const confirmed = subscribers.filter((s) => s.status === 'confirmed');
const api = (path: string, init: RequestInit & { token?: string | null } = {}) => {
  const { token = test.stack.adminToken, ...rest } = init;
  return fetch(`${test.stack.urls.api}${path}`, {
    ...rest,
    headers: { ...(token && { authorization: `Bearer ${token}` }), ...rest.headers },
  });
};
const stats = async (query: string, token?: string) =>
  (await api(`/api/issues/${SAMPLE_ISSUE_ID}/stats?${query}`, { token })).json();
const emailTo = (address: string) => emails.find((e) => e.destination.to.includes(address))!;
const header = (email: StoredEmail, name: string) => email.headers?.find((h) => h.name === name)?.value ?? '';

beforeAll(async () => {
  // Opens right after the send are a person's here; the unit tests cover the window after delivery.
  test = await startTestStack('stats', { adminToken: 'stats-token-0123456789abcdef', machineWindowSeconds: 0 });
  expect((await api(`/api/issues/${SAMPLE_ISSUE_ID}/send`, { method: 'POST' })).status).toBe(202);
  await test.stack.drained();
  emails = await sentEmails(test.stack);
});

afterAll(() => test?.dispose());

describe('stats API', () => {
  it('gives rows per region with totals that match what was sent', async () => {
    const body = await stats('by=region');
    expect(body.by).toBe('region');
    const haskovo = body.rows.find((r: { key: string }) => r.key === 'BG/Haskovo');
    const inHaskovo = confirmed.filter((s) => s.country === 'BG' && s.region === 'Haskovo').length;
    expect(haskovo).toMatchObject({ recipients: inHaskovo, sent: inHaskovo, delivered: inHaskovo });
    expect(body.total).toMatchObject({
      key: 'total',
      recipients: confirmed.length,
      sent: confirmed.length,
      delivered: confirmed.length - 1,
      bounced: 1,
      complained: 1,
    });
    const sum = (name: string) => body.rows.reduce((n: number, r: Record<string, number>) => n + r[name]!, 0);
    expect(sum('sent')).toBe(confirmed.length);
    expect(body.hours).toHaveLength(72);
  });

  it('groups by country and by language', async () => {
    const byCountry = await stats('by=country');
    expect(byCountry.rows.map((r: { key: string }) => r.key)).toEqual(
      ['BE', 'BG', 'DE', 'ES', 'GR', 'HU', 'LV', 'PL', 'PT', 'RO'].sort(),
    );
    const byLanguage = await stats('by=language');
    const bg = byLanguage.rows.find((r: { key: string }) => r.key === 'bg');
    expect(bg.sent).toBe(confirmed.filter((s) => s.language === 'bg').length);
  });

  it('answers CSV when asked, one line per row plus the total: for people by default, raw for scripts', async () => {
    const human = await api(`/api/issues/${SAMPLE_ISSUE_ID}/stats?by=country`, { headers: { accept: 'text/csv' } });
    expect(human.status).toBe(200);
    expect(human.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await human.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const people = new TextDecoder().decode(bytes).trim().split('\r\n');
    expect(people[0]).toMatch(/^Country,Recipients,Sent,/);
    expect(people).toContain(people.find((l) => l.startsWith('Bulgaria,')));
    const response = await api(`/api/issues/${SAMPLE_ISSUE_ID}/stats?by=country&format=csv-raw`);
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'key,recipients,sent,measured,failed,delivered,bounced,complained,transientBounces,uniqueOpens,machineOpens,uniqueClicks,botClicks,unsubscribed,deliveryRate,openRate,clickRate',
    );
    expect(lines).toHaveLength(1 + 10 + 1);
    const measured = confirmed.filter((s) => s.tracking).length;
    expect(lines.at(-1)).toMatch(new RegExp(`^total,${confirmed.length},${confirmed.length},${measured},0,`));
  });

  it('answers 404 naming an unknown issue and 400 naming an unknown grouping', async () => {
    const missing = await api('/api/issues/no-such-issue/stats?by=region');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.message).toContain('no-such-issue');
    const grouping = await api(`/api/issues/${SAMPLE_ISSUE_ID}/stats?by=city`);
    expect(grouping.status).toBe(400);
    expect((await grouping.json()).error.field).toBe('by');
  });

  it('shows a coordinator their own region only, and refuses another region with 403', async () => {
    const { coordinator } = test.stack.tokens;
    const own = await stats('by=language', coordinator);
    expect(own.region).toBe('BG/Haskovo');
    const inHaskovo = confirmed.filter((s) => s.country === 'BG' && s.region === 'Haskovo');
    expect(own.total.sent).toBe(inHaskovo.length);
    expect(own.rows.reduce((n: number, r: { sent: number }) => n + r.sent, 0)).toBe(inHaskovo.length);
    const byRegion = await stats('by=region', coordinator);
    expect(byRegion.rows.map((r: { key: string }) => r.key)).toEqual(['BG/Haskovo']);
    const other = await api(`/api/issues/${SAMPLE_ISSUE_ID}/stats?by=region&region=GR/Peloponnese`, {
      token: coordinator,
    });
    expect(other.status).toBe(403);
    expect((await stats('by=region&region=Peloponnese')).region).toBe('GR/Peloponnese');
    expect((await stats('by=region', test.stack.tokens.editor)).rows.length).toBeGreaterThan(1);
    expect((await api(`/api/issues/${SAMPLE_ISSUE_ID}/stats`, { token: null })).status).toBe(401);
  });

  it("hides a draft's stats and title from a coordinator, not from an editor", async () => {
    const created = await api('/api/issues', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Secret plans', subject: { en: 'S' }, intro: { en: 'I' }, sections: [] }),
    });
    const { id } = (await created.json()) as { id: string };
    const asCoordinator = await api(`/api/issues/${id}/stats`, { token: test.stack.tokens.coordinator });
    expect(asCoordinator.status).toBe(404);
    expect(await asCoordinator.text()).not.toContain('Secret plans');
    expect((await api(`/api/issues/${id}/stats`, { token: test.stack.tokens.editor })).status).toBe(200);
  });

  it('compares issues', async () => {
    const body = await (await api('/api/stats/issues')).json();
    expect(body.issues).toContainEqual(expect.objectContaining({ key: SAMPLE_ISSUE_ID, sent: confirmed.length }));
    const scoped = await (await api('/api/stats/issues', { token: test.stack.tokens.coordinator })).json();
    expect(scoped.region).toBe('BG/Haskovo');
  });
});

describe('unsubscribes', () => {
  it('counts an unsubscribe through an issue link once, in the subscriber region', async () => {
    const subscriber = confirmed.find((s) => s.country === 'BG' && s.region === 'Haskovo')!;
    const url = header(emailTo(subscriber.email), 'List-Unsubscribe').replace(/^<|>$/g, '');
    const oneClick = () =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
    expect((await oneClick()).status).toBe(200);
    expect((await oneClick()).status).toBe(200);
    const body = await stats('by=region');
    expect(body.rows.find((r: { key: string }) => r.key === 'BG/Haskovo').unsubscribed).toBe(1);
    expect(body.total.unsubscribed).toBe(1);
  });
});

describe('tracking', () => {
  const browser = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
  const haskovo = () => confirmed.filter((s) => s.country === 'BG' && s.region === 'Haskovo');
  const pixelOf = (email: StoredEmail) => /src="([^"]*\/t\/open\/[^"]+)"/.exec(email.body.html ?? '')![1]!;
  const clicksOf = (email: StoredEmail) =>
    [...(email.body.html ?? '').matchAll(/href="([^"]*\/t\/click\/[^"]+\.\d+)"/g)].map((m) => m[1]!);
  const get = (url: string, userAgent = browser) =>
    fetch(url, { headers: { 'user-agent': userAgent }, redirect: 'manual' });

  it('counts opens by people once each and Apple Mail Privacy Protection apart', async () => {
    const [first, second, third] = haskovo().map((s) => emailTo(s.email));
    for (const url of [pixelOf(first!), pixelOf(first!), pixelOf(second!)]) {
      const response = await get(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/gif');
    }
    await get(pixelOf(third!), 'Mozilla/5.0');
    const region = (await stats('by=region')).rows.find((r: { key: string }) => r.key === 'BG/Haskovo');
    expect(region).toMatchObject({ uniqueOpens: 2, machineOpens: 1 });
    expect(region.openRate).toBe(Math.round((2 / region.measured) * 10_000) / 10_000);
    const hours = (await stats('by=region')).hours;
    expect(hours[0]).toMatchObject({ hour: 0, uniqueOpens: 2 });
  });

  it('redirects a click to the edition link at that position and counts the clicker once', async () => {
    const subscriber = haskovo()[0]!;
    const email = emailTo(subscriber.email);
    const clicks = clicksOf(email);
    expect(clicks.length).toBeGreaterThan(2);
    const archive = await (
      await fetch(`${test.stack.urls.api}/archive/${SAMPLE_ISSUE_ID}/${subscriber.language}`)
    ).text();
    const links = [...archive.matchAll(/<a\b[^>]*?href="(https?:[^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
    expect(archive).not.toContain('/t/');
    const response = await get(clicks[1]!);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(links[1]);
    expect((await get(clicks[1]!)).status).toBe(302);
    const region = (await stats('by=region')).rows.find((r: { key: string }) => r.key === 'BG/Haskovo');
    expect(region).toMatchObject({ uniqueClicks: 1, botClicks: 0 });
  });

  it('counts the honeypot link and link scanners as bots', async () => {
    const [, second, third] = haskovo().map((s) => emailTo(s.email));
    const honeypot = /href="([^"]*\/t\/click\/[^"]+\.h)"/.exec(third!.body.html ?? '')![1]!;
    expect((await get(honeypot)).status).toBe(302);
    await get(clicksOf(second!)[0]!, 'Mozilla/5.0 (compatible; Proofpoint URL Defense)');
    const region = (await stats('by=region')).rows.find((r: { key: string }) => r.key === 'BG/Haskovo');
    expect(region).toMatchObject({ uniqueClicks: 1, botClicks: 2 });
  });

  it('answers 404 to a tampered or truncated click token and the pixel to a bad open token, counting nothing', async () => {
    const before = (await stats('by=region')).total;
    const email = emailTo(haskovo()[3]!.email);
    const click = clicksOf(email)[0]!;
    const tampered = click.replace(/\/t\/click\/(.)/, (_, c: string) => `/t/click/${c === 'A' ? 'B' : 'A'}`);
    for (const url of [
      tampered,
      click.slice(0, -10),
      click.replace(/\.0$/, '.999'),
      `${test.stack.urls.api}/t/click/x`,
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(response.headers.get('location')).toBeNull();
    }
    const pixel = await get(pixelOf(email).slice(0, -5));
    expect(pixel.status).toBe(200);
    expect(pixel.headers.get('content-type')).toBe('image/gif');
    expect((await stats('by=region')).total).toEqual(before);
  });
});

describe('tracking by consent', () => {
  const measured = confirmed.filter((s) => s.tracking);
  const unmeasured = confirmed.filter((s) => !s.tracking);
  const hrefs = (email: StoredEmail) => [...(email.body.html ?? '').matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);

  it('sends subscribers who did not consent no pixel and plain links, still with their own unsubscribe and preferences links', async () => {
    expect(unmeasured.length).toBeGreaterThan(0);
    for (const subscriber of unmeasured) {
      const email = emailTo(subscriber.email);
      expect(email.body.html, subscriber.email).not.toContain('/t/');
      expect(email.body.html).not.toContain('trackingToken');
      const links = hrefs(email);
      expect(links).toContain(`${test.stack.urls.api}/archive/${SAMPLE_ISSUE_ID}/${subscriber.language}`);
      expect(links.some((l) => l.includes('/unsubscribe/'))).toBe(true);
      expect(links.some((l) => l.includes('/preferences/'))).toBe(true);
      expect(header(email, 'List-Unsubscribe')).toContain('/unsubscribe/');
    }
    for (const subscriber of measured) {
      const html = emailTo(subscriber.email).body.html ?? '';
      expect(html, subscriber.email).toMatch(/<img[^>]*src="[^"]*\/t\/open\/[^"]+"/);
      expect(hrefs(emailTo(subscriber.email)).filter((l) => l.includes('/t/click/')).length).toBeGreaterThan(2);
    }
  });

  it('says how many recipients were measured and computes the rates among them', async () => {
    const body = await stats('by=region');
    expect(body.total).toMatchObject({ sent: confirmed.length, measured: measured.length });
    expect(body.total.openRate).toBe(Math.round((body.total.uniqueOpens / measured.length) * 10_000) / 10_000);
    const bgOther = body.rows.find((r: { key: string }) => r.key === 'BG/other');
    const inBgOther = confirmed.filter((s) => s.country === 'BG' && s.region === 'other');
    expect(bgOther).toMatchObject({ sent: inBgOther.length, measured: inBgOther.filter((s) => s.tracking).length });
    expect(bgOther.measured).toBe(0);
    expect(bgOther.openRate).toBeNull();
  });
});
