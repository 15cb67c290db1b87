// An issue's audience: which countries, regions, languages and topics it goes to (none ticked: everyone), and
// whom that reaches now, per language and country, and who is left out and why (GET /api/issues/{id}/audience).
import { h, uid } from '../dom.js';
import {
  COUNTRIES,
  COUNTRY_CODES,
  LANGUAGES,
  LANGUAGE_NAMES,
  OTHER_REGION,
  TOPICS,
  TOPIC_LABELS,
  regionsOf,
} from '../reference.js';
import { dataTable } from '../widgets/data-table.js';
import { clearFieldErrors, setFieldError } from '../widgets/fields.js';
import { localTimeSection } from './issue-local-time.js';

const FIELDS = ['countries', 'regions', 'languages', 'topics'];
const REASONS = {
  unconfirmed: 'Not confirmed yet',
  unsubscribed: 'Unsubscribed',
  suppressed: 'Suppressed (bounce or complaint)',
  outsideSelection: 'Outside the selection',
};

export async function renderAudience(panel, ctx, { issue, notes, onIssue }) {
  const editable = issue.status === 'draft';
  const picker = selectionPicker(issue.audience ?? {}, editable);
  const summary = h('section', { class: 'audience-summary', 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'button primary' }, 'Save audience');
  const form = h(
    'form',
    { class: 'audience-form', novalidate: true },
    h(
      'p',
      { class: 'hint' },
      'Tick nothing to send to every confirmed subscriber. Within a list any ticked value counts; the lists narrow each other. A topic selection reaches those who chose at least one of its topics.',
    ),
    !editable
      ? h('p', { class: 'notice' }, `This issue is ${issue.status}; only drafts can change their audience.`)
      : null,
    picker.element,
    editable ? h('div', { class: 'form-actions' }, save) : null,
  );
  panel.append(form, summary, localTimeSection(ctx, { issue, notes, onIssue }));
  const show = async () => showSummary(summary, await ctx.api.issues.audience(issue.id));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    save.disabled = true;
    try {
      const { title, subject, preheader, intro, sections } = issue;
      const audience = picker.values();
      // Based on the version loaded: a save from another tab in between is refused, not overwritten.
      const saved = await ctx.api.issues.update(issue.id, {
        title,
        subject,
        ...(preheader && { preheader }),
        intro,
        sections,
        audience,
        ...(issue.version && { version: issue.version }),
      });
      issue.audience = audience;
      issue.version = saved.version;
      notes.success('Audience saved.');
      await show();
    } catch (error) {
      notes.error('The audience was not saved.', error, picker.locate);
    } finally {
      save.disabled = false;
    }
  });
  try {
    await show();
  } catch (error) {
    notes.error('The audience could not be counted.', error);
  }
}

/** One group of checkboxes per field; regions grouped by country. */
function selectionPicker(selection, editable) {
  const boxes = new Map(FIELDS.map((name) => [name, []]));
  const group = (name, legend, options) => {
    const items = options.map(([value, label]) => {
      const box = h('input', {
        type: 'checkbox',
        id: uid(name),
        value,
        checked: (selection[name] ?? []).includes(value),
        disabled: !editable,
      });
      boxes.get(name).push(box);
      return h('label', { class: 'check', for: box.id }, box, ` ${label}`);
    });
    // setFieldError shows a group's error under it, through its first box.
    const error = h('p', { class: 'field-error', id: `${boxes.get(name)[0]?.id}-error`, hidden: true });
    return h(
      'fieldset',
      { class: 'group', 'data-field': name },
      h('legend', {}, legend),
      h('div', { class: 'check-list' }, items),
      error,
    );
  };
  // "Other" is every country's: one box for it, after the partner regions.
  const regionOptions = [
    ...COUNTRY_CODES.flatMap((code) =>
      regionsOf(code)
        .filter((region) => region !== OTHER_REGION)
        .map((region) => [region, `${region} (${COUNTRIES[code]?.name ?? code})`]),
    ),
    [OTHER_REGION, `${OTHER_REGION} (outside the partner regions, any country)`],
  ];
  const element = h(
    'div',
    { class: 'audience-picker' },
    group(
      'countries',
      'Countries',
      COUNTRY_CODES.map((code) => [code, COUNTRIES[code]?.name ?? code]),
    ),
    group('regions', 'Regions', [...new Map(regionOptions)]),
    group(
      'languages',
      'Languages',
      LANGUAGES.map((code) => [code, LANGUAGE_NAMES[code] ?? code]),
    ),
    group(
      'topics',
      'Topics',
      TOPICS.map((topic) => [topic, TOPIC_LABELS[topic] ?? topic]),
    ),
  );
  return {
    element,
    values: () =>
      Object.fromEntries(
        FIELDS.map((name) => [
          name,
          boxes
            .get(name)
            .filter((b) => b.checked)
            .map((b) => b.value),
        ]).filter(([, values]) => values.length > 0),
      ),
    /** `audience.regions.0` marks the first box of that group. */
    locate(path, message) {
      const [, name] = path.split('.');
      const first = boxes.get(name)?.[0];
      if (!first) return undefined;
      setFieldError(first, message);
      return first;
    },
  };
}

function showSummary(summary, audience) {
  const rows = (counts, name) =>
    h(
      'tbody',
      {},
      Object.entries(counts)
        .filter(([, n]) => n > 0)
        .map(([key, n]) => h('tr', {}, h('th', { scope: 'row' }, name(key)), h('td', { class: 'num' }, String(n)))),
    );
  summary.replaceChildren(
    h('h2', {}, `Reaches ${audience.total} confirmed subscriber${audience.total === 1 ? '' : 's'}`),
    dataTable({
      caption: 'Recipients per language',
      columns: ['Language', 'Recipients'],
      body: rows(audience.byLanguage, (l) => LANGUAGE_NAMES[l] ?? l),
    }),
    dataTable({
      caption: 'Recipients per country',
      columns: ['Country', 'Recipients'],
      body: rows(audience.byCountry, (c) => COUNTRIES[c]?.name ?? c),
    }),
    dataTable({
      caption: 'Left out',
      columns: ['Why', 'Subscribers'],
      body: h(
        'tbody',
        {},
        Object.entries(REASONS).map(([reason, label]) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, label),
            h('td', { class: 'num' }, String(audience.excluded[reason] ?? 0)),
          ),
        ),
      ),
    }),
  );
}
