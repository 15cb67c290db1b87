// Reads an Atom feed as a feed reader would: well-formed XML or an error, then the elements RFC 4287 requires of a
// feed and of each entry (id, title, updated; a link or content; an author for the feed or each entry).
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type AtomElement = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Every text stays a string: an id or a title made of digits is not a number.
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name, path) => path === 'feed.entry',
});

const has = (element: AtomElement, name: string) => element[name] !== undefined && element[name] !== '';

/** The `<feed>` element; throws when the XML is not well-formed or a required element is missing. */
export function parseAtom(xml: string): AtomElement & { entry?: AtomElement[] } {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const feed = (parser.parse(xml) as { feed?: AtomElement & { entry?: AtomElement[] } }).feed;
  if (!feed) throw new Error('no <feed> element');
  if (feed['@_xmlns'] !== 'http://www.w3.org/2005/Atom') throw new Error('not in the Atom namespace');
  const missing = ['id', 'title', 'updated'].filter((name) => !has(feed, name));
  const entries = feed.entry ?? [];
  if (!has(feed, 'author') && entries.some((entry) => !has(entry, 'author'))) missing.push('author');
  entries.forEach((entry, i) => {
    for (const name of ['id', 'title', 'updated']) if (!has(entry, name)) missing.push(`entry ${i} ${name}`);
    if (!has(entry, 'link') && !has(entry, 'content')) missing.push(`entry ${i} link or content`);
  });
  if (missing.length > 0) throw new Error(`an Atom feed needs ${missing.join(', ')}`);
  return feed;
}
