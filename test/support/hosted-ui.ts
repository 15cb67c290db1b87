// A stand-in for the Cognito hosted UI in the browser tests: a tab whose /herald-config.json names a user pool
// (the embedded stack has none), and routes that sign the user in at once and record what the web app sent.
import type { Browser, Page } from 'playwright-core';

/** A reserved .test domain: if a route did not match, nothing real is reached. */
export const AUTH = 'https://herald.auth.example.test';
export const COGNITO = {
  region: 'eu-central-1',
  userPoolId: 'eu-central-1_E2eTest',
  userPoolClientId: 'e2e-web-client',
};

/** A tab of its own (own sessionStorage) whose /herald-config.json is `config`. */
export async function tabWith(browser: Browser, config: object): Promise<Page> {
  const tab = await (await browser.newContext()).newPage();
  await tab.route('**/herald-config.json', (route) => route.fulfill({ json: config }));
  return tab;
}

/**
 * Answers the hosted UI's authorize, token and logout endpoints on `tab`. The local authorizer plays the JWT
 * authorizer, so a demo user's token (`idToken`) stands in for Cognito's ID token. Returns what the app sent.
 */
export async function standInHostedUi(tab: Page, options: { idToken: string; apiOrigin: string }) {
  const sent = { authorize: new URLSearchParams(), token: new URLSearchParams(), logout: new URLSearchParams() };
  await tab.route(`${AUTH}/oauth2/authorize?*`, (route) => {
    sent.authorize = new URL(route.request().url()).searchParams;
    const back = `${sent.authorize.get('redirect_uri')}?code=e2e-code&state=${sent.authorize.get('state')}`;
    return route.fulfill({ status: 302, headers: { location: back } });
  });
  await tab.route(`${AUTH}/oauth2/token`, (route) => {
    sent.token = new URLSearchParams(route.request().postData() ?? '');
    const json = { id_token: options.idToken, access_token: 'unused', token_type: 'Bearer', expires_in: 3600 };
    return route.fulfill({ json, headers: { 'access-control-allow-origin': options.apiOrigin } });
  });
  await tab.route(`${AUTH}/logout?*`, (route) => {
    sent.logout = new URL(route.request().url()).searchParams;
    return route.fulfill({ status: 302, headers: { location: sent.logout.get('logout_uri')! } });
  });
  return sent;
}
