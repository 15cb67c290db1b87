// The Atom writer: a feed readers accept whatever the editors wrote in a subject or an introduction.
import { describe, expect, it } from 'vitest';
import { atomFeed, type AtomFeed } from '../../functions/adapters/atom-feed.ts';
import { parseAtom } from '../support/atom.ts';

const feed = (title: string, summary: string): AtomFeed => ({
  id: 'https://news.example/archive/en/',
  language: 'en',
  title: 'News',
  selfUrl: 'https://news.example/archive/en/feed.xml',
  pageUrl: 'https://news.example/archive/en/',
  author: { name: 'A & B <project>', uri: 'https://project.example/?a=1&b=2' },
  updated: '2026-02-05T08:00:00Z',
  entries: [
    {
      id: 'https://news.example/archive/issue-1/en',
      link: 'https://news.example/archive/issue-1/en',
      title: { text: title },
      summary: { text: summary, lang: 'de' },
      published: '2026-02-05T08:00:00+01:00',
      updated: '2026-02-05T08:00:00Z',
    },
  ],
});

describe('the Atom feed', () => {
  it('keeps markup, entities, CDATA ends and control characters of a text as plain text, in valid XML', () => {
    const title = '<script>alert(1)</script> & ]]> "quoted" \'single\' {{name}}';
    const xml = atomFeed(feed(title, 'a\u0000b\u0008c\u000bd\ufffee\u2028f'));
    const parsed = parseAtom(xml);
    const entry = parsed.entry![0]!;
    // A reader gets the text back as written: no element, no entity of its own.
    expect(entry.title).toEqual({ '#text': title, '@_type': 'text' });
    expect(xml).toContain('<title type="text">&lt;script&gt;alert(1)&lt;/script&gt; &amp; ]]&gt;');
    expect(entry.summary).toEqual({ '#text': 'abcdef', '@_type': 'text', '@_xml:lang': 'de' });
    expect(parsed.author).toEqual({ name: 'A & B <project>', uri: 'https://project.example/?a=1&b=2' });
  });

  it('writes every date as RFC 3339 in UTC', () => {
    const parsed = parseAtom(atomFeed(feed('t', 's')));
    expect(parsed.updated).toBe('2026-02-05T08:00:00.000Z');
    expect(parsed.entry![0]!.published).toBe('2026-02-05T07:00:00.000Z');
  });

  it('is a valid feed with no entry', () => {
    expect(parseAtom(atomFeed({ ...feed('t', 's'), entries: [] })).entry).toBeUndefined();
  });
});
