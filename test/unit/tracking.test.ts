import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../functions/domain/errors.ts';
import { createTokens } from '../../functions/domain/tokens.ts';
import {
  followClick,
  recordOpen,
  trackingData,
  withTracking,
  type TrackingDeps,
} from '../../functions/domain/tracking.ts';
import { fakeDeliveryStore, fakeSendCounters, fakePeopleSketches } from './fakes.ts';

const tokens = createTokens(Buffer.from('a-test-key-of-at-least-32-characters'));
const LINKS = ['https://secon.example/a?x=1&y=2', 'https://secon.example/b', 'https://secon.example/c'];
const reader = { userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/128.0', ip: '203.0.113.9' };

function setup(now = '2025-03-26T09:00:00Z') {
  const sendCounters = fakeSendCounters();
  const deliveries = fakeDeliveryStore();
  deliveries.byId.set('sub-a', {
    status: 'sent',
    messageId: 'msg-a',
    sentAt: '2025-03-26T07:30:00Z',
    deliveredAt: '2025-03-26T07:30:02Z',
    country: 'BG',
    language: 'bg',
    region: 'Haskovo',
  });
  const deps: TrackingDeps = {
    tokens,
    deliveries,
    counters: sendCounters,
    sketches: fakePeopleSketches(),
    clock: { now: () => new Date(now) },
    publicUrl: 'https://news.example',
    machineWindowSeconds: 10,
    edition: async (_issueId, language) => ({ language, subject: 's', html: '', text: '', links: LINKS }),
  };
  const token = trackingData(deps, 'issue-1', 'sub-a').trackingToken!;
  const counters = async (dimension = 'total') =>
    (await sendCounters.all('issue-1')).filter((c) => c.dimension === dimension);
  const total = async () => (await counters())[0];
  return { deps, token, deliveries, total, counters };
}

describe('tracked editions', () => {
  const html =
    '<html><body><a href="https://secon.example/a?x=1&amp;y=2">A</a><a href="{{unsubscribeUrl}}">U</a></body></html>';
  const fill = (source: string, data: object) => Handlebars.compile(source, { noEscape: true })(data);

  it('sends links through the click route when SES fills a tracking token, and lists them by position', () => {
    const tracked = withTracking(html, 'https://news.example');
    expect(tracked.links).toEqual(['https://secon.example/a?x=1&y=2']);
    const personal = fill(tracked.html, { trackingToken: 'TOKEN', unsubscribeUrl: 'https://u' });
    expect(personal).toContain('href="https://news.example/t/click/TOKEN.0"');
    expect(personal).toContain('src="https://news.example/t/open/TOKEN"');
    expect(personal).toContain('href="https://news.example/t/click/TOKEN.h"');
    expect(personal).toContain('href="https://u"');
  });

  it('keeps the plain links and no pixel where there is no token (archive, preview, test)', () => {
    const plain = fill(withTracking(html, 'https://news.example').html, { name: '' });
    expect(plain).toContain('href="https://secon.example/a?x=1&amp;y=2"');
    expect(plain).not.toContain('/t/');
  });
});

describe('opens', () => {
  it('counts the first open by a person once and later ones as repeats, in the hour after sending', async () => {
    const { deps, token, total, counters } = setup();
    expect(await recordOpen(deps, token, reader)).toBe('human');
    expect(await recordOpen(deps, token, reader)).toBe('human');
    expect(await total()).toMatchObject({ uniqueOpens: 1, repeatOpens: 1, machineOpens: 0 });
    expect(await counters('region')).toEqual([expect.objectContaining({ key: 'BG/Haskovo', uniqueOpens: 1 })]);
    expect(await counters('hour')).toContainEqual(expect.objectContaining({ key: 'all/01', uniqueOpens: 1 }));
  });

  it('counts Apple Mail Privacy Protection apart, by its user agent or its network', async () => {
    const { deps, token, total } = setup();
    expect(await recordOpen(deps, token, { userAgent: 'Mozilla/5.0', ip: '203.0.113.9' })).toBe('machine');
    expect(await recordOpen(deps, token, { ...reader, ip: '17.58.1.20' })).toBe('machine');
    expect(await total()).toMatchObject({ uniqueOpens: 0, machineOpens: 1 });
  });

  it('counts a fetch within seconds of delivery (a proxy or scanner) as a machine open', async () => {
    const { deps, token, total } = setup('2025-03-26T07:30:05Z');
    expect(await recordOpen(deps, token, reader)).toBe('machine');
    expect(await total()).toMatchObject({ uniqueOpens: 0, machineOpens: 1 });
  });

  it('counts an open before the recorded delivery as a machine, unless the window is turned off (0)', async () => {
    const early = setup('2025-03-26T07:30:01Z');
    expect(await recordOpen(early.deps, early.token, reader)).toBe('machine');
    const off = setup('2025-03-26T07:30:01Z');
    off.deps.machineWindowSeconds = 0;
    expect(await recordOpen(off.deps, off.token, reader)).toBe('human');
    expect(await off.total()).toMatchObject({ uniqueOpens: 1, machineOpens: 0 });
  });

  it('counts nothing for a tampered, truncated or unknown token', async () => {
    const { deps, token, total } = setup();
    const [body, mac] = token.split('.');
    const other = trackingData(deps, 'issue-1', 'sub-nobody').trackingToken!;
    for (const bad of [`${body}.${mac!.slice(0, -2)}xx`, body!, token.slice(0, 20), '', other]) {
      expect(await recordOpen(deps, bad, reader)).toBe('ignored');
    }
    expect(await total()).toBeUndefined();
  });
});

describe('clicks', () => {
  it('redirects to the link at that position of the stored edition and counts the clicker once', async () => {
    const { deps, token, total } = setup();
    expect(await followClick(deps, `${token}.0`, reader)).toBe(LINKS[0]);
    expect(await followClick(deps, `${token}.1`, reader)).toBe(LINKS[1]);
    // A click shows an open, even where the pixel was not loaded.
    expect(await total()).toMatchObject({ uniqueClicks: 1, repeatClicks: 1, uniqueOpens: 1, botClicks: 0 });
  });

  it('answers 404 and counts nothing for a tampered, truncated or unknown token, or a position out of range', async () => {
    const { deps, token, total } = setup();
    const other = trackingData(deps, 'issue-1', 'sub-nobody').trackingToken!;
    for (const bad of [`${token}x.0`, `${token.slice(0, 30)}.0`, token, `${token}.3`, `${token}.-1`, `${other}.0`]) {
      await expect(followClick(deps, bad, reader), bad).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(await total()).toBeUndefined();
  });

  it('counts the honeypot, scanners and clicks at delivery as bot clicks', async () => {
    const honeypot = setup();
    expect(await followClick(honeypot.deps, `${honeypot.token}.h`, reader)).toBe(
      'https://news.example/archive/issue-1/bg',
    );
    expect(await honeypot.total()).toMatchObject({ botClicks: 1, uniqueClicks: 0 });

    const scanner = setup();
    await followClick(scanner.deps, `${scanner.token}.0`, { userAgent: 'Barracuda Sentinel (EE)', ip: '1.2.3.4' });
    expect(await scanner.total()).toMatchObject({ botClicks: 1, uniqueClicks: 0 });

    const early = setup('2025-03-26T07:30:04Z');
    await followClick(early.deps, `${early.token}.0`, reader);
    expect(await early.total()).toMatchObject({ botClicks: 1, uniqueClicks: 0 });
  });

  it('moves a recipient whose every link was followed from the clickers to the bots', async () => {
    const { deps, token, total } = setup();
    for (const position of [0, 1, 2]) await followClick(deps, `${token}.${position}`, reader);
    expect(await total()).toMatchObject({ botClicks: 1, uniqueClicks: 0 });
  });
});
