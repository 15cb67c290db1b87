// The headers the edge and the functions agree on: the one CloudFront adds to reach the API, and the security
// headers of every HTML page (the API's router, the embedded stack's static files, CloudFront's policies).

/** The header CloudFront sets on every request to the API origin (a viewer's own value is replaced). */
export const EDGE_HEADER = 'x-herald-edge';

/**
 * Pages the API renders (subscriber pages, the archive): no script at all; styles are inline (the page layout,
 * MJML's email HTML); images may come from any https host an editor linked; forms post to the site only.
 */
export const PAGE_CSP =
  "default-src 'none'; img-src 'self' https: data:; style-src 'unsafe-inline'; form-action 'self'; " +
  "base-uri 'none'; frame-ancestors 'none'";

/**
 * The editor and dashboard apps: scripts from the site only. Inline styles stay allowed because the issue
 * preview is an `srcdoc` frame, which inherits this policy, and shows MJML's inline-styled email HTML.
 * `authOrigin` is the Cognito hosted UI the apps exchange a sign-in code with; `uploadOrigin` the bucket the editor
 * PUTs image originals to (the embedded stack takes them itself). A chosen image's preview is a `blob:` URL.
 */
export function webAppCsp(authOrigin?: string, uploadOrigin?: string): string {
  const connect = ["'self'", authOrigin, uploadOrigin].filter(Boolean).join(' ');
  return (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data: blob:; " +
    `connect-src ${connect}; object-src 'none'; base-uri 'none'; ` +
    "form-action 'self'; frame-ancestors 'none'"
  );
}

/** Sent with every HTML page besides its policy. Pages carry tokens in their paths: no Referer leaves them. */
export const HTML_SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

/** Personal pages, exports and every answer to a signed-in user: neither the browser nor a proxy keeps them. */
export const NO_STORE = 'no-store';

/** The header the edge sets to the reader's address, replacing any a client sent (CloudFront's function, or the local server). */
export const VIEWER_IP_HEADER = 'true-client-ip';
