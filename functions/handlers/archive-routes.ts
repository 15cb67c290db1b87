// The public archive and the project's notices: a sent edition's web page, a language's index and Atom feed, a
// record's page, the privacy notice and the accessibility statement. Every reader gets the same answer, so browsers
// and CloudFront may keep it; an address of the archive that names nothing gets a localized HTML 404 page.
import { archiveIndex, recordPage } from '../domain/archive.ts';
import type { CallerError } from '../domain/errors.ts';
import { archivePage, archivePages } from '../domain/issues.ts';
import type { Language } from '../domain/reference.ts';
import type { Services } from '../wiring/services.ts';
import { html, type Request, type Response } from './http.ts';
import type { RouteName } from '../../contracts/routes.ts';

export type ArchiveRouteName = Extract<
  RouteName,
  'archiveIndex' | 'archiveFeed' | 'archive' | 'archiveRecord' | 'privacyPage' | 'accessibilityPage'
>;

/**
 * The archive is the same page for every reader (no name, no token), so browsers and CloudFront may keep it a while;
 * an issue's editions and records do not change once its send has started, and a new issue shows within this time.
 */
export const ARCHIVE_CACHE_CONTROL = 'public, max-age=300';

const ATOM_CONTENT_TYPE = 'application/atom+xml; charset=utf-8';

type Handler = (request: Request) => Promise<Response>;

const cached = (response: Response): Response => ({
  ...response,
  headers: { ...response.headers, 'cache-control': ARCHIVE_CACHE_CONTROL },
});

export function archiveRoutes(services: Services): {
  handlers: Record<ArchiveRouteName, Handler>;
  /** The answer of an archive route to a caller's error: a 404 page in the language asked for, else the reader's. */
  notFound: (error: CallerError, request: Omit<Request, 'principal'>) => Response | undefined;
} {
  const { pages, reference, publicUrl } = services;
  // Kept as long as the handler: per Lambda instance, or the embedded stack's process.
  const editions = archivePages();
  const param = (r: Request, name: string) => r.params[name] ?? '';

  /** A notice's language: `?lang=` when it is one (the cacheable address), else the reader's (not kept). */
  const notice = (name: 'privacy' | 'accessibility'): Handler => {
    return async (r) => {
      const asked = r.query.lang !== undefined && reference.isLanguage(r.query.lang);
      const language = reference.negotiateLanguage(r.query.lang, r.event.headers['accept-language']);
      const page = html(200, pages.page(name, language, { language }));
      return asked ? cached(page) : { ...page, headers: { ...page.headers, 'cache-control': 'no-store' } };
    };
  };

  const handlers: Record<ArchiveRouteName, Handler> = {
    archive: async (r) => {
      const deps = { ...services, archivePages: editions };
      return cached(html(200, await archivePage(deps, param(r, 'issueId'), param(r, 'lang'))));
    },

    archiveIndex: async (r) => {
      const entries = await archiveIndex(services, param(r, 'lang'));
      const language: Language = param(r, 'lang');
      return cached(
        html(
          200,
          pages.page('archive-index', language, { language, entries, languageLinks: { pattern: '/archive/{lang}/' } }),
        ),
      );
    },

    archiveFeed: async (r) => {
      const language: Language = param(r, 'lang');
      const entries = await archiveIndex(services, language);
      // A feed with no entry yet still needs a time it was updated.
      const xml = pages.feed(language, entries, { publicUrl, whenEmpty: services.clock.now().toISOString() });
      return cached({ statusCode: 200, headers: { 'content-type': ATOM_CONTENT_TYPE }, body: xml });
    },

    archiveRecord: async (r) => {
      const [issueId, language, recordId] = [param(r, 'issueId'), param(r, 'lang'), param(r, 'recordId')];
      const record = await recordPage(services, issueId, language, recordId);
      const pattern = `/archive/${encodeURIComponent(issueId)}/{lang}/${encodeURIComponent(recordId)}`;
      return cached(html(200, pages.page('record', language, { language, record, languageLinks: { pattern } })));
    },

    privacyPage: notice('privacy'),
    accessibilityPage: notice('accessibility'),
  };

  return {
    handlers,
    notFound: (error, r) => {
      // An id no record could have names nothing, as an unknown one does; any other error keeps its JSON answer.
      const named =
        error.status === 404 ||
        (error.status === 400 && ['issueId', 'recordId', 'lang'].includes(error.details.field ?? ''));
      if (!named) return undefined;
      const asked = r.params.lang ?? '';
      const language = reference.isLanguage(asked)
        ? asked
        : reference.negotiateLanguage(undefined, r.event.headers['accept-language']);
      return html(404, pages.page('not-found', language, { language, languageLinks: false }));
    },
  };
}
