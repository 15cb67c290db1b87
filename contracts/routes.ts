// The HTTP contract's routes, who may call them and which function serves them: one table read by the API handler
// (to dispatch and check roles) and by the CDK app (routes, JWT authorizer, each function's role and throttles).

/** Who may call a route: anyone, editors (and admins), coordinators (and editors, admins), or admins only. */
export type Access = 'public' | 'editor' | 'coordinator' | 'admin';
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export interface RouteSpec {
  method: Method;
  /** API Gateway path syntax: `{name}` is one segment. */
  path: string;
  access: Access;
  /** Only a route marked `public` may be kept by browsers and proxies; every other answer is `no-store`. */
  cache?: 'public';
}

const route = (method: Method, path: string, access: Access, options: Pick<RouteSpec, 'cache'> = {}): RouteSpec => ({
  method,
  path,
  access,
  ...options,
});

export const ROUTES = {
  me: route('GET', '/api/me', 'editor'),
  // The editor app's and the dashboard's reference data (from the project profile; public on the signup page anyway).
  reference: route('GET', '/api/reference', 'coordinator'),

  listHighlights: route('GET', '/api/highlights', 'editor'),
  createHighlight: route('POST', '/api/highlights', 'editor'),
  getHighlight: route('GET', '/api/highlights/{id}', 'editor'),
  updateHighlight: route('PUT', '/api/highlights/{id}', 'editor'),
  deleteHighlight: route('DELETE', '/api/highlights/{id}', 'editor'),

  listPractices: route('GET', '/api/practices', 'editor'),
  createPractice: route('POST', '/api/practices', 'editor'),
  getPractice: route('GET', '/api/practices/{id}', 'editor'),
  updatePractice: route('PUT', '/api/practices/{id}', 'editor'),
  deletePractice: route('DELETE', '/api/practices/{id}', 'editor'),

  listIndicators: route('GET', '/api/indicators', 'editor'),

  // A record's image: where to put the file (a presigned PUT), then the uploaded file made into renditions.
  startImageUpload: route('POST', '/api/images/uploads', 'editor'),
  processImage: route('POST', '/api/images', 'editor'),

  listIssues: route('GET', '/api/issues', 'editor'),
  createIssue: route('POST', '/api/issues', 'editor'),
  getIssue: route('GET', '/api/issues/{id}', 'editor'),
  updateIssue: route('PUT', '/api/issues/{id}', 'editor'),
  // A draft only; a copy of any issue as a new draft.
  deleteIssue: route('DELETE', '/api/issues/{id}', 'editor'),
  duplicateIssue: route('POST', '/api/issues/{id}/duplicate', 'editor'),
  previewIssue: route('GET', '/api/issues/{id}/preview', 'editor'),
  testIssue: route('POST', '/api/issues/{id}/test', 'editor'),
  // Who a send of the issue reaches now, per language and country, and who it leaves out and why.
  issueAudience: route('GET', '/api/issues/{id}/audience', 'editor'),
  sendIssue: route('POST', '/api/issues/{id}/send', 'editor'),
  cancelScheduledSend: route('DELETE', '/api/issues/{id}/schedule', 'editor'),
  // A running send: paused (its batches wait), resumed, or cancelled (whoever was not sent yet ends cancelled).
  pauseSend: route('POST', '/api/issues/{id}/pause', 'editor'),
  resumeSend: route('POST', '/api/issues/{id}/resume', 'editor'),
  cancelSend: route('POST', '/api/issues/{id}/cancel', 'editor'),

  issueStats: route('GET', '/api/issues/{id}/stats', 'coordinator'),
  compareIssues: route('GET', '/api/stats/issues', 'coordinator'),
  // A period's report to the funder (JSON, CSV for people or scripts, PDF) and the audience's growth per day.
  disseminationReport: route('GET', '/api/reports/dissemination', 'coordinator'),
  growth: route('GET', '/api/stats/growth', 'coordinator'),

  // Subscribers' personal data, admins only: the list (its CSV export), a subscriber's page and what an admin may do,
  // and a suppression list's import. The literal `export` is matched before `{id}`, here as in API Gateway.
  listSubscribers: route('GET', '/api/subscribers', 'admin'),
  exportSubscribers: route('GET', '/api/subscribers/export', 'admin'),
  getSubscriber: route('GET', '/api/subscribers/{id}', 'admin'),
  eraseSubscriber: route('DELETE', '/api/subscribers/{id}', 'admin'),
  unsubscribeSubscriber: route('POST', '/api/subscribers/{id}/unsubscribe', 'admin'),
  suppressSubscriber: route('POST', '/api/subscribers/{id}/suppress', 'admin'),
  resendConfirmation: route('POST', '/api/subscribers/{id}/resend-confirmation', 'admin'),
  importSuppressions: route('POST', '/api/suppressions', 'admin'),
  // Subscribers' personal data: admins only. A CSV import (dry run first), with its consent record per person.
  importSubscribers: route('POST', '/api/subscribers/import', 'admin'),

  // The public archive and the project's notices: the same page for every reader, so browsers and CloudFront may
  // keep them. API Gateway matches `/archive/{lang}/` to `/archive/{lang}` (a route key cannot end in `/`), and
  // prefers the literal `feed.xml` to a parameter, as the router does.
  archiveIndex: route('GET', '/archive/{lang}', 'public', { cache: 'public' }),
  archiveFeed: route('GET', '/archive/{lang}/feed.xml', 'public', { cache: 'public' }),
  archive: route('GET', '/archive/{issueId}/{lang}', 'public', { cache: 'public' }),
  archiveRecord: route('GET', '/archive/{issueId}/{lang}/{recordId}', 'public', { cache: 'public' }),
  privacyPage: route('GET', '/privacy', 'public', { cache: 'public' }),
  accessibilityPage: route('GET', '/accessibility', 'public', { cache: 'public' }),

  signupPage: route('GET', '/subscribe', 'public'),
  subscribe: route('POST', '/api/subscribe', 'public'),
  confirmSubscription: route('GET', '/api/subscribe/confirm', 'public'),
  confirmSubscriptionForm: route('POST', '/api/subscribe/confirm', 'public'),
  unsubscribePage: route('GET', '/unsubscribe/{token}', 'public'),
  unsubscribe: route('POST', '/unsubscribe/{token}', 'public'),
  getPreferences: route('GET', '/api/preferences/{token}', 'public'),
  updatePreferences: route('PUT', '/api/preferences/{token}', 'public'),
  erase: route('DELETE', '/api/preferences/{token}', 'public'),
  exportData: route('GET', '/api/preferences/{token}/export', 'public'),
  preferencesPage: route('GET', '/preferences/{token}', 'public'),
  preferencesForm: route('POST', '/preferences/{token}', 'public'),
  eraseForm: route('POST', '/preferences/{token}/erase', 'public'),

  trackOpen: route('GET', '/t/open/{token}', 'public'),
  trackClick: route('GET', '/t/click/{token}', 'public'),
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;

/**
 * PublicApi serves the routes anyone may call, EditorApi those behind the JWT authorizer, each with a role for its own
 * routes only. The unsubscribe link (its page and the RFC 8058 one-click POST) has a function of its own,
 * UnsubscribeApi, so a flood on the other public routes cannot hold the concurrency an unsubscribe needs. ImagesApi
 * carries sharp's native library and the uploads' buckets, which no other function needs.
 */
export type ApiFunction = 'public' | 'unsubscribe' | 'editor' | 'images';

export const IMAGES_PATH_PREFIX = '/api/images';

export const apiFunctionOf = (spec: RouteSpec): ApiFunction =>
  spec.access !== 'public'
    ? spec.path.startsWith(IMAGES_PATH_PREFIX)
      ? 'images'
      : 'editor'
    : spec.path === ROUTES.unsubscribe.path
      ? 'unsubscribe'
      : 'public';

/** The names of the routes one function serves, in the route table's order. */
export const routesOf = (fn: ApiFunction): RouteName[] =>
  (Object.keys(ROUTES) as RouteName[]).filter((name) => apiFunctionOf(ROUTES[name]) === fn);
