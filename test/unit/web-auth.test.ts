// The web apps' PKCE helpers (web/editor/auth.js), loaded in Node, whose Web Crypto API is the browser's; the
// browser's location, history, sessionStorage and fetch are stood in for where a sign-in goes out and comes back.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';

interface Config {
  userPoolClientId: string;
  authDomainUrl: string;
}
const auth = (await import(new URL('../../web/editor/auth.js', import.meta.url).href)) as {
  randomString: () => string;
  pkceChallenge: (verifier: string) => Promise<string>;
  authorizeUrl: (config: Config, options: { state: string; challenge: string; redirectUri: string }) => string;
  logoutUrl: (config: Config, options: { redirectUri: string }) => string;
  startSignIn: (config: Config, app: 'editor' | 'dashboard') => Promise<void>;
  finishSignIn: (config: Config, app: 'editor' | 'dashboard') => Promise<string | null>;
};

const config = {
  region: 'eu-central-1',
  userPoolId: 'eu-central-1_AbCdEf',
  userPoolClientId: 'client123',
  authDomainUrl: 'https://herald.auth.eu-central-1.amazoncognito.com',
};

describe('the editor’s Cognito sign-in helpers', () => {
  it('derives the S256 challenge of RFC 7636’s example verifier', async () => {
    expect(await auth.pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes random verifiers of 43 base64url characters', () => {
    const verifier = auth.randomString();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(auth.randomString()).not.toBe(verifier);
  });

  it('builds the hosted UI’s authorize and logout URLs', () => {
    const redirectUri = 'https://news.example.org/editor/';
    const authorize = auth.authorizeUrl(config, { state: 'st4te', challenge: 'ch4llenge', redirectUri });
    expect(authorize).toBe(
      'https://herald.auth.eu-central-1.amazoncognito.com/oauth2/authorize?response_type=code&client_id=client123' +
        '&redirect_uri=https%3A%2F%2Fnews.example.org%2Feditor%2F&scope=openid+email+profile&state=st4te' +
        '&code_challenge=ch4llenge&code_challenge_method=S256',
    );
    expect(auth.logoutUrl(config, { redirectUri })).toBe(
      'https://herald.auth.eu-central-1.amazoncognito.com/logout?client_id=client123' +
        '&logout_uri=https%3A%2F%2Fnews.example.org%2Feditor%2F',
    );
  });
});

/** A tab at `url`: where it is sent (location.assign) and what it posts to the token endpoint are recorded. */
function browserTab(url: string) {
  const current = new URL(url);
  const storage = new Map<string, string>();
  const tab = {
    assigned: [] as URL[],
    tokenRequests: [] as URLSearchParams[],
    url: () => current.href,
    goTo: (next: string) => void (current.href = new URL(next, current).href),
  };
  vi.stubGlobal('location', {
    get origin() {
      return current.origin;
    },
    get pathname() {
      return current.pathname;
    },
    get search() {
      return current.search;
    },
    get hash() {
      return current.hash;
    },
    assign: (next: string) => tab.assigned.push(new URL(next)),
  });
  vi.stubGlobal('history', { replaceState: (_state: unknown, _title: string, next: string) => tab.goTo(next) });
  vi.stubGlobal('sessionStorage', {
    getItem: (key: string) => storage.get(key) ?? null,
    setItem: (key: string, value: string) => storage.set(key, value),
    removeItem: (key: string) => storage.delete(key),
  });
  vi.stubGlobal('fetch', async (_url: string, init: { body: URLSearchParams }) => {
    tab.tokenRequests.push(new URLSearchParams(init.body));
    return Response.json({ id_token: `id-token-${tab.tokenRequests.length}` });
  });
  return tab;
}

/** Where the hosted UI would send the browser back to, with a code for the state it was given. */
const returnFrom = (authorize: URL | undefined) =>
  `${authorize!.searchParams.get('redirect_uri')}?code=c0de&state=${authorize!.searchParams.get('state')}`;

describe('the hosted UI sign-in of the editor and the dashboard', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('brings a coordinator back to the dashboard with the issue and grouping they were looking at', async () => {
    const tab = browserTab('https://news.example.org/dashboard/?issue=issue-7&by=language');
    await auth.startSignIn(config, 'dashboard');
    const authorize = tab.assigned[0];
    expect(authorize?.searchParams.get('redirect_uri')).toBe('https://news.example.org/dashboard/');

    tab.goTo(returnFrom(authorize));
    expect(await auth.finishSignIn(config, 'dashboard')).toBe('id-token-1');
    expect(tab.url()).toBe('https://news.example.org/dashboard/?issue=issue-7&by=language');
    const trade = tab.tokenRequests[0]!;
    expect(trade.get('redirect_uri')).toBe('https://news.example.org/dashboard/');
    expect(createHash('sha256').update(trade.get('code_verifier')!).digest('base64url')).toBe(
      authorize?.searchParams.get('code_challenge'),
    );
  });

  it('keeps an editor’s and a dashboard’s sign-in started in the same tab apart', async () => {
    const tab = browserTab('https://news.example.org/editor/#/issues/issue-7/send');
    await auth.startSignIn(config, 'editor');
    tab.goTo('https://news.example.org/dashboard/?issue=issue-7&by=region');
    await auth.startSignIn(config, 'dashboard');
    const [toEditor, toDashboard] = tab.assigned;

    tab.goTo(returnFrom(toDashboard));
    expect(await auth.finishSignIn(config, 'dashboard')).toBe('id-token-1');
    tab.goTo(returnFrom(toEditor));
    expect(await auth.finishSignIn(config, 'editor')).toBe('id-token-2');
    expect(tab.url()).toBe('https://news.example.org/editor/#/issues/issue-7/send');
    expect(tab.tokenRequests.map((r) => r.get('redirect_uri'))).toEqual([
      'https://news.example.org/dashboard/',
      'https://news.example.org/editor/',
    ]);
  });

  it('does not redeem a code for the dashboard whose state the dashboard did not send', async () => {
    const tab = browserTab('https://news.example.org/editor/');
    await auth.startSignIn(config, 'editor');
    tab.goTo(returnFrom(tab.assigned[0]).replace('/editor/', '/dashboard/'));
    await expect(auth.finishSignIn(config, 'dashboard')).rejects.toThrow('not started in this tab');
    expect(tab.url()).toBe('https://news.example.org/dashboard/');
    expect(tab.tokenRequests).toEqual([]);
  });
});
