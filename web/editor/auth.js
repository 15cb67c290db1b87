// Sign-in through the Cognito hosted UI: OAuth 2.0 authorization code with PKCE (RFC 7636), no library; shared
// by the editor app and the coordinators' dashboard, each coming back to its own page.
// Nothing runs at import, so the unit test can load the helpers in Node (which has the same Web Crypto API).
/* global crypto, TextEncoder, btoa -- browser globals the shared lint config does not list */

/** The deployment's `/herald-config.json` ({region, userPoolId, userPoolClientId, authDomainUrl?}), else null. */
export async function loadConfig() {
  try {
    // Revalidated on every start: a redeploy may have replaced the user pool client.
    const response = await fetch('/herald-config.json', { cache: 'no-cache' });
    // The embedded stack has no such file (404): the apps then keep their paste-a-token sign-in.
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

/**
 * The web apps that sign in here, by the path the hosted UI sends each back to. Each must be a callback and
 * logout URL of the app client, which the CDK app registers as `${publicUrl}${path}` (WEB_SIGN_IN_PATHS in
 * infra/constructs/herald-users.ts; a test keeps the two equal).
 */
export const SIGN_IN_PATHS = { editor: '/editor/', dashboard: '/dashboard/' };

/** Per app: the editor and the dashboard may both be signing in from the same tab. */
const pendingKey = (app) => `herald.${app}.signin`;

const base64url = (bytes) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** 32 random bytes as base64url: 43 characters, a valid PKCE verifier and an unguessable state. */
export const randomString = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** The S256 code challenge: base64url(SHA-256(verifier)). */
export async function pkceChallenge(verifier) {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

export function authorizeUrl(config, { state, challenge, redirectUri }) {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: config.userPoolClientId,
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return `${config.authDomainUrl}/oauth2/authorize?${params}`;
}

export function logoutUrl(config, { redirectUri }) {
  const params = new URLSearchParams({ client_id: config.userPoolClientId, logout_uri: redirectUri });
  return `${config.authDomainUrl}/logout?${params}`;
}

/** `app` is a key of SIGN_IN_PATHS. */
export const redirectUri = (app) => `${location.origin}${SIGN_IN_PATHS[app]}`;

/**
 * Sends the browser to the hosted UI; verifier, state and the screen to come back to (the editor's hash route, the
 * dashboard's query) wait in sessionStorage: the redirect URI must be the registered one, with nothing added.
 */
export async function startSignIn(config, app) {
  const pending = { state: randomString(), verifier: randomString(), back: `${location.search}${location.hash}` };
  sessionStorage.setItem(pendingKey(app), JSON.stringify(pending));
  const challenge = await pkceChallenge(pending.verifier);
  location.assign(authorizeUrl(config, { state: pending.state, challenge, redirectUri: redirectUri(app) }));
}

/**
 * On a return from the hosted UI (`?code=&state=` or `?error=`), the ID token; null when this load is not one.
 * The query string goes first, so a reload never replays a used code.
 */
export async function finishSignIn(config, app) {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return null;
  const pending = JSON.parse(sessionStorage.getItem(pendingKey(app)) ?? 'null');
  sessionStorage.removeItem(pendingKey(app));
  history.replaceState(null, '', `${location.pathname}${pending?.back ?? ''}`);
  if (params.has('error')) {
    throw new Error(`You were not signed in: ${params.get('error_description') || params.get('error')}`);
  }
  // A state this tab did not start means a forged or stale redirect: its code is not ours to redeem.
  if (!pending || params.get('state') !== pending.state) {
    throw new Error('That sign-in was not started in this tab. Sign in again.');
  }
  return exchangeCode(config, { code: params.get('code'), verifier: pending.verifier, redirectUri: redirectUri(app) });
}

/** The token endpoint trade; form-encoded, as OAuth requires, which also spares the cross-origin POST a preflight. */
async function exchangeCode(config, { code, verifier, redirectUri }) {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: config.userPoolClientId,
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
  });
  let response;
  try {
    response = await fetch(`${config.authDomainUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  } catch {
    throw new Error('The sign-in service could not be reached. Try again.');
  }
  const tokens = await response.json().catch(() => ({}));
  if (!response.ok || !tokens.id_token) {
    throw new Error(`You were not signed in (${tokens.error ?? `the sign-in service answered ${response.status}`}).`);
  }
  // The API's JWT authorizer takes the ID token: it carries cognito:groups, email and custom:region.
  return tokens.id_token;
}
