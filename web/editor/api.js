// The editor's REST client: relative /api URLs, the bearer token on every call, errors as ApiError.

/** An answer outside 2xx, carrying the API's `{error: {code, message, field?, ...}}`. */
export class ApiError extends Error {
  constructor(status, error = {}) {
    super(error.message || `The server answered ${status}.`);
    this.name = 'ApiError';
    this.status = status;
    this.code = error.code ?? 'unknown';
    this.field = error.field;
    this.details = error;
  }
}

const query = (params) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : '';
};

/**
 * @param {{ token: () => string | null, onUnauthorized: (error: ApiError) => void }} session
 * onUnauthorized runs on any 401, after which the call still rejects.
 */
export function createApi(session) {
  /** `type` sends `body` as it is (a CSV file) instead of as JSON; `withResponse` also gives the response's headers. */
  async function request(method, path, body, { type: bodyType, withResponse = false } = {}) {
    const headers = { authorization: `Bearer ${session.token() ?? ''}` };
    if (body !== undefined) headers['content-type'] = bodyType ?? 'application/json';
    let response;
    try {
      const sent = body === undefined || bodyType ? body : JSON.stringify(body);
      response = await fetch(path, { method, headers, body: sent });
    } catch {
      throw new ApiError(0, {
        code: 'network',
        message: 'Herald could not be reached. Check that the server is running, then try again.',
      });
    }
    const type = response.headers.get('content-type') ?? '';
    const payload =
      response.status === 204
        ? undefined
        : type.includes('json')
          ? await response.json().catch(() => undefined)
          : await response.text();
    if (response.ok) return withResponse ? { payload, headers: response.headers } : payload;
    const error = new ApiError(response.status, typeof payload === 'object' ? payload?.error : undefined);
    if (response.status === 401) session.onUnauthorized(error);
    throw error;
  }

  const get = (path) => request('GET', path);
  const records = (kind) => ({
    list: (filters = {}) => get(`/api/${kind}${query(filters)}`),
    get: (id) => get(`/api/${kind}/${encodeURIComponent(id)}`),
    create: (record) => request('POST', `/api/${kind}`, record),
    update: (id, record) => request('PUT', `/api/${kind}/${encodeURIComponent(id)}`, record),
    remove: (id) => request('DELETE', `/api/${kind}/${encodeURIComponent(id)}`),
  });
  const issue = (id) => `/api/issues/${encodeURIComponent(id)}`;
  const subscriber = (id) => `/api/subscribers/${encodeURIComponent(id)}`;

  return {
    me: () => get('/api/me'),
    reference: () => get('/api/reference'),
    highlights: records('highlights'),
    practices: records('practices'),
    indicators: { list: () => get('/api/indicators') },
    images: {
      startUpload: (type, size) => request('POST', '/api/images/uploads', { type, size }),
      process: (id) => request('POST', '/api/images', { id }),
    },
    issues: {
      list: () => get('/api/issues'),
      get: (id) => get(issue(id)),
      create: (draft) => request('POST', '/api/issues', draft),
      update: (id, draft) => request('PUT', issue(id), draft),
      remove: (id) => request('DELETE', issue(id)),
      duplicate: (id) => request('POST', `${issue(id)}/duplicate`),
      audience: (id) => get(`${issue(id)}/audience`),
      preview: (id, lang, format) => get(`${issue(id)}/preview${query({ lang, format })}`),
      sendTest: (id, to, lang) => request('POST', `${issue(id)}/test`, { to, lang }),
      send: (id, options = {}) => request('POST', `${issue(id)}/send`, options),
      cancelSchedule: (id) => request('DELETE', `${issue(id)}/schedule`),
      pause: (id) => request('POST', `${issue(id)}/pause`),
      resume: (id) => request('POST', `${issue(id)}/resume`),
      cancel: (id) => request('POST', `${issue(id)}/cancel`),
    },
    // Admins only.
    subscribers: {
      list: (filters = {}) => get(`/api/subscribers${query(filters)}`),
      get: (id) => get(subscriber(id)),
      erase: (id) => request('DELETE', subscriber(id)),
      /** `unsubscribe`, `suppress` or `resend-confirmation`. */
      act: (id, action) => request('POST', `${subscriber(id)}/${action}`),
      /** The CSV export, every page in order (the headers once); text without the byte-order mark. */
      async exportCsv(filters = {}) {
        const pages = [];
        let cursor;
        do {
          const { payload, headers } = await request(
            'GET',
            `/api/subscribers/export${query({ ...filters, cursor })}`,
            undefined,
            {
              withResponse: true,
            },
          );
          pages.push(payload);
          cursor = headers.get('x-next-cursor');
        } while (cursor);
        return pages.join('');
      },
      importSuppressions: (csv) => request('POST', '/api/suppressions', csv, { type: 'text/csv' }),
      /** A CSV file to the import route (the server checks its encoding; a dry run when `options.dryRun`). */
      import: (file, options) =>
        request('POST', `/api/subscribers/import${query(options)}`, file, { type: 'text/csv' }),
    },
  };
}

/** Every record of a kind, page by page (the pickers offer all of them). */
export async function listAll(records, filters = {}) {
  const items = [];
  let cursor;
  do {
    const page = await records.list({ ...filters, limit: '100', cursor });
    items.push(...(page.items ?? []));
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}
