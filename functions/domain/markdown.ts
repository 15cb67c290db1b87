// The small Markdown subset long texts are written in (paragraphs, bold, italic, links, lists): one parser for every
// output (edition, archive pages, plain text). The input check of its links is text-rules.ts `longText`.
import MarkdownIt, { type Token } from 'markdown-it';
import { webLink, withoutControls } from './text-rules.ts';

/** The rules of the subset; raw HTML is off, so no sanitizer is needed: every tag comes from markdown-it itself. */
const SUBSET = ['emphasis', 'link', 'list', 'newline', 'escape'];
const OPTIONS = { html: false, linkify: false, typographer: false, breaks: true } as const;

const isSafeLink = (url: string) => webLink({ mailto: true }).safeParse(url).success;

const parser = new MarkdownIt('zero', OPTIONS).enable(SUBSET);
// A link to anything else (javascript:, data:, a relative path) stays the text it was written as.
parser.validateLink = isSafeLink;

/** Attributes per element an output adds (inline styles for email, where a <style> may be dropped; class names). */
export interface MarkdownAttributes {
  paragraph?: Record<string, string>;
  list?: Record<string, string>;
  item?: Record<string, string>;
  link?: Record<string, string>;
}

const TOKEN_ATTRIBUTES: Record<string, keyof MarkdownAttributes> = {
  paragraph_open: 'paragraph',
  bullet_list_open: 'list',
  ordered_list_open: 'list',
  list_item_open: 'item',
  link_open: 'link',
};
for (const [type, part] of Object.entries(TOKEN_ATTRIBUTES)) {
  parser.renderer.rules[type] = (tokens: Token[], index, options, env: unknown, self) => {
    const token = tokens[index]!;
    for (const [name, value] of Object.entries((env as MarkdownAttributes | undefined)?.[part] ?? {}))
      token.attrSet(name, value);
    return self.renderToken(tokens, index, options);
  };
}

/** A long text as HTML: escaped text, the subset's elements and checked links only. */
export function markdownHtml(text: string, attributes: MarkdownAttributes = {}): string {
  return parser.render(withoutControls(text), { ...attributes });
}
