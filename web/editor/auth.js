// Sign-in through the Cognito hosted UI: OAuth 2.0 authorization code with PKCE (RFC 7636), no library.
// Nothing runs at import, so the unit test can load the helpers in Node (which has the same Web Crypto API).
/* global crypto, TextEncoder, btoa -- browser globals the shared lint config does not list */

/** The deployment's `/herald-config.json` ({region, userPoolId, userPoolClientId, authDomainUrl?}), else null. */
export async function loadConfig() {
  try {
    // Revalidated on every start: a redeploy may have replaced the user pool client.
    const response = await fetch('/herald-config.json', { cache: 'no-cache' });
    // The embedded stack has no such file (404): the app then keeps its paste-a-token sign-in.
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

const PENDING_KEY = 'herald.editor.signin';

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

/** Must equal the app client's callback and logout URL, which the CDK app sets to `${publicUrl}/editor/`. */
export const redirectUri = () => `${location.origin}/editor/`;

/** Sends the browser to the hosted UI; verifier, state and the screen to come back to wait in sessionStorage. */
export async function startSignIn(config) {
  const pending = { state: randomString(), verifier: randomString(), hash: location.hash };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const challenge = await pkceChallenge(pending.verifier);
  location.assign(authorizeUrl(config, { state: pending.state, challenge, redirectUri: redirectUri() }));
}

/**
 * On a return from the hosted UI (`?code=&state=` or `?error=`), the ID token; null when this load is not one.
 * The query string goes first, so a reload never replays a used code.
 */
export async function finishSignIn(config) {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null');
  sessionStorage.removeItem(PENDING_KEY);
  history.replaceState(null, '', `${location.pathname}${pending?.hash ?? ''}`);
  if (params.has('error')) {
    throw new Error(`You were not signed in: ${params.get('error_description') || params.get('error')}`);
  }
  // A state this tab did not start means a forged or stale redirect: its code is not ours to redeem.
  if (!pending || params.get('state') !== pending.state) {
    throw new Error('That sign-in was not started in this tab. Sign in again.');
  }
  return exchangeCode(config, { code: params.get('code'), verifier: pending.verifier, redirectUri: redirectUri() });
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
