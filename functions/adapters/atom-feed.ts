// Writes a language's archive as an Atom 1.0 feed (RFC 4287). Small enough to write by hand, and the one XML
// Herald writes: every text and attribute escaped, characters XML 1.0 refuses left out, ids that never change.
import { withoutControls } from '../domain/text-rules.ts';

/** A text, with its own language when it is not the feed's (a fallback to the source language). */
export interface AtomText {
  text: string;
  lang?: string;
}

export interface AtomEntry {
  /** A permanent IRI: the edition's URL. */
  id: string;
  title: AtomText;
  /** The edition's web page. */
  link: string;
  summary: AtomText;
  /** ISO 8601. */
  published: string;
  updated: string;
}

export interface AtomFeed {
  id: string;
  /** The feed's language (`xml:lang`). */
  language: string;
  title: string;
  subtitle?: string;
  /** The feed's own URL (`rel="self"`) and the page it is the feed of (`rel="alternate"`). */
  selfUrl: string;
  pageUrl: string;
  author: { name: string; uri?: string };
  /** ISO 8601: the newest entry's, or when the feed has none, a fixed time the caller chooses. */
  updated: string;
  entries: AtomEntry[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xml = (value: string) => withoutControls(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
/** RFC 3339, as Atom's dates must be: the ISO form JavaScript writes, whatever form was stored. */
const date = (value: string) => new Date(value).toISOString();

const text = (name: string, value: AtomText, indent: string) =>
  `${indent}<${name} type="text"${value.lang ? ` xml:lang="${xml(value.lang)}"` : ''}>${xml(value.text)}</${name}>`;

function entry(e: AtomEntry): string {
  return [
    '  <entry>',
    `    <id>${xml(e.id)}</id>`,
    text('title', e.title, '    '),
    `    <link rel="alternate" type="text/html" href="${xml(e.link)}"/>`,
    `    <published>${date(e.published)}</published>`,
    `    <updated>${date(e.updated)}</updated>`,
    text('summary', e.summary, '    '),
    '  </entry>',
  ].join('\n');
}

export function atomFeed(feed: AtomFeed): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xml(feed.language)}">`,
    `  <id>${xml(feed.id)}</id>`,
    text('title', { text: feed.title }, '  '),
    ...(feed.subtitle ? [text('subtitle', { text: feed.subtitle }, '  ')] : []),
    `  <link rel="self" type="application/atom+xml" href="${xml(feed.selfUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xml(feed.pageUrl)}"/>`,
    `  <updated>${date(feed.updated)}</updated>`,
    '  <author>',
    `    <name>${xml(feed.author.name)}</name>`,
    ...(feed.author.uri ? [`    <uri>${xml(feed.author.uri)}</uri>`] : []),
    '  </author>',
    ...feed.entries.map(entry),
    '</feed>',
    '',
  ].join('\n');
}
