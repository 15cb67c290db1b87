// A page's chrome: its heading row and its subnavigation tabs.
import { h } from '../dom.js';

/** A page's heading row: the h1 (focused after navigation) and its actions. */
export function pageHeader(title, ...actions) {
  return h(
    'div',
    { class: 'page-header' },
    h('h1', { tabindex: '-1' }, title),
    h('div', { class: 'actions' }, actions),
  );
}

/** A link styled as a subnavigation tab; `current` marks the page shown. */
export function subnav(label, links) {
  return h(
    'nav',
    { class: 'subnav', 'aria-label': label },
    h(
      'ul',
      {},
      links.map(({ href, text, current }) =>
        h('li', {}, h('a', { href, 'aria-current': current ? 'page' : null }, text)),
      ),
    ),
  );
}
