// The editor's PKCE helpers (web/editor/auth.js), loaded in Node, whose Web Crypto API is the browser's.
import { describe, expect, it } from 'vitest';

interface Config {
  userPoolClientId: string;
  authDomainUrl: string;
}
const auth = (await import(new URL('../../web/editor/auth.js', import.meta.url).href)) as {
  randomString: () => string;
  pkceChallenge: (verifier: string) => Promise<string>;
  authorizeUrl: (config: Config, options: { state: string; challenge: string; redirectUri: string }) => string;
  logoutUrl: (config: Config, options: { redirectUri: string }) => string;
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
