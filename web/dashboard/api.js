// The dashboard's REST client: JSON reads with the signed-in user's bearer token, and downloads (CSV, PDF) saved as
// the bytes the API sent (a CSV's byte-order mark included, which Excel needs to read UTF-8).
/* global URL, Blob -- browser globals the shared lint config does not list */

const TOKEN_KEY = 'herald.dashboard.token';
/** A token the editor app holds in this tab works too. */
const EDITOR_TOKEN_KEY = 'herald.editor.token';

export const token = () => sessionStorage.getItem(TOKEN_KEY) ?? sessionStorage.getItem(EDITOR_TOKEN_KEY);
export const keepToken = (value) => sessionStorage.setItem(TOKEN_KEY, value);
export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(EDITOR_TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

async function request(path, accept) {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token() ?? ''}`, accept } });
  if (!response.ok) {
    const payload = await response.json().catch(() => ({}));
    throw new ApiError(
      response.status,
      payload.error?.message ?? `The server answered ${response.status}.`,
      payload.error?.field,
    );
  }
  return response;
}

export const getJson = async (path) => (await request(path, 'application/json')).json();

/** `attachment; filename="x.csv"` -> `x.csv`. */
const fileNameOf = (disposition) => /filename="?([^";]+)"?/i.exec(disposition ?? '')?.[1];

/** Saves what `path` answers as a file: the API's own file name if it gives one, else `fallbackName`. */
export async function download(path, accept, fallbackName) {
  const response = await request(path, accept);
  // Bytes, not text(): decoding would drop the CSV's byte-order mark.
  const blob = new Blob([await response.arrayBuffer()], { type: response.headers.get('content-type') ?? accept });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = fileNameOf(response.headers.get('content-disposition')) ?? fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
