// Create or edit a highlight or a best practice: text per language behind the language switcher, details beside it.
import { clearFieldErrors, confirmDialog, feedback, field, h, pageHeader, select, setFieldError, uid } from '../dom.js';
import { languageTexts } from '../language-texts.js';
import { COUNTRIES, COUNTRY_CODES, regionsOf } from '../reference.js';
import { RECORD_KINDS, titleOf } from './records-common.js';

const TEXT_FIELDS = {
  highlights: [
    { name: 'title', label: 'Title', required: true },
    { name: 'summary', label: 'Summary', rows: 3, required: true },
    { name: 'body', label: 'Body', rows: 9, required: true },
    { name: 'image.alt', label: 'Image description (alt text)' },
  ],
  practices: [
    { name: 'title', label: 'Title', required: true },
    { name: 'summary', label: 'Summary', rows: 4, required: true },
    { name: 'resources', label: 'Resources', rows: 3 },
    { name: 'details', label: 'Details', rows: 6 },
    { name: 'results', label: 'Results', rows: 3 },
    { name: 'transfer', label: 'Transferability', rows: 3 },
  ],
};

const optional = (value) => (value.trim() === '' ? undefined : value.trim());
const withoutUndefined = (object) => Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));

export async function renderRecordForm(container, ctx, { kind, id }) {
  const meta = RECORD_KINDS[kind];
  const records = ctx.api[kind];
  const heading = pageHeader(id ? `Edit ${meta.singular}` : `New ${meta.singular}`);
  const notes = feedback();
  container.append(
    h('p', { class: 'breadcrumb' }, h('a', { href: `#/records/${kind}` }, `← ${meta.label}`)),
    heading,
    notes.element,
  );
  ctx.setTitle(id ? `Edit ${meta.singular}` : `New ${meta.singular}`);

  let record = {};
  if (id) {
    try {
      record = await records.get(id);
    } catch (error) {
      notes.error(`This ${meta.singular} could not be loaded.`, error);
      return;
    }
    heading.querySelector('h1').textContent = titleOf(record);
    ctx.setTitle(titleOf(record));
  }

  /** Controls by the API's field path, so an error naming `organisation.name` or `links.1` finds its input. */
  const controls = new Map();
  const control = (path, element) => {
    element.id ||= uid(path.replace(/\W/g, '-'));
    element.name = path;
    controls.set(path, element);
    return element;
  };
  const input = (path, value, props = {}) => control(path, h('input', { type: 'text', value: value ?? '', ...props }));

  const texts = languageTexts({
    legend: 'Text',
    fields: TEXT_FIELDS[kind],
    values: { ...record, 'image.alt': record.image?.alt },
  });

  // Details
  const idInput = id ? null : input('id', '', { autocomplete: 'off', spellcheck: 'false' });
  const country = control(
    'country',
    select({
      value: record.country ?? '',
      options: [['', 'Choose a country…'], ...COUNTRY_CODES.map((code) => [code, `${COUNTRIES[code].name} (${code})`])],
      'aria-required': 'true',
    }),
  );
  const region = control('region', h('select', { 'aria-required': String(kind === 'practices') }));
  const fillRegions = (selected) => {
    const choices = country.value ? regionsOf(country.value) : [];
    if (selected && !choices.includes(selected)) choices.unshift(selected);
    region.replaceChildren(
      h('option', { value: '' }, kind === 'practices' ? 'Choose a region…' : 'No region'),
      ...choices.map((name) =>
        h('option', { value: name, selected: name === selected }, name === 'other' ? 'Other' : name),
      ),
    );
    region.disabled = !country.value;
  };
  fillRegions(record.region);
  country.addEventListener('change', () => fillRegions(region.value));
  const city = input('city', record.city, { autocomplete: 'off' });
  const startDate = input('startDate', record.startDate, { type: 'date' });
  const endDate = input('endDate', record.endDate, { type: 'date' });

  const details = [];
  if (idInput) {
    details.push(
      h(
        'div',
        { class: 'group' },
        field({
          label: 'ID (optional)',
          control: idInput,
          hint: 'Lower-case letters, digits and dashes. Left empty, it is made from the English title.',
        }),
      ),
    );
  } else {
    details.push(h('p', { class: 'record-id' }, 'ID ', h('code', {}, record.id)));
  }

  let build;
  if (kind === 'highlights') {
    const place = input('place', record.place, { 'aria-required': 'true' });
    const participants = input('participants', record.participants, {
      type: 'number',
      min: '0',
      step: '1',
      inputmode: 'numeric',
    });
    const link = input('link', record.link, { type: 'url', placeholder: 'https://' });
    const imageUrl = input('image.url', record.image?.url, { type: 'url', placeholder: 'https://' });
    controls.set('image', imageUrl);
    details.push(
      group('Where and when', [
        field({ label: 'Country', control: country }),
        field({ label: 'Region', control: region }),
        field({ label: 'City', control: city }),
        field({ label: 'Place', control: place, hint: 'As readers should see it, e.g. “Haskovo, Bulgaria”.' }),
        h(
          'div',
          { class: 'field-row' },
          field({ label: 'Starts', control: startDate }),
          field({ label: 'Ends', control: endDate }),
        ),
        field({ label: 'Participants', control: participants }),
      ]),
      group('Link and image', [
        field({ label: 'Link', control: link, hint: 'Where readers can read more.' }),
        field({ label: 'Image URL', control: imageUrl, hint: 'Describe the image in each language under Text.' }),
      ]),
    );
    build = (text) => {
      const alt = text['image.alt'];
      const url = optional(imageUrl.value);
      return withoutUndefined({
        id: id ?? optional(idInput.value),
        country: country.value || undefined,
        region: region.value || undefined,
        city: optional(city.value),
        place: place.value.trim(),
        startDate: startDate.value || undefined,
        endDate: endDate.value || undefined,
        participants: participants.value === '' ? undefined : Number(participants.value),
        title: text.title ?? {},
        summary: text.summary ?? {},
        body: text.body ?? {},
        link: optional(link.value),
        image: url || alt ? { url: url ?? '', alt: alt ?? {} } : undefined,
      });
    };
  } else {
    const orgName = input('organisation.name', record.organisation?.name, { 'aria-required': 'true' });
    const orgType = input('organisation.type', record.organisation?.type, {
      'aria-required': 'true',
      placeholder: 'e.g. Social cooperative',
    });
    controls.set('organisation', orgName);
    const links = linkList(record.links ?? [], controls);
    details.push(
      group('Organisation', [field({ label: 'Name', control: orgName }), field({ label: 'Type', control: orgType })]),
      group('Where and when', [
        field({ label: 'Country', control: country }),
        field({ label: 'Region', control: region }),
        field({ label: 'City', control: city }),
        h(
          'div',
          { class: 'field-row' },
          field({ label: 'Starts', control: startDate }),
          field({ label: 'Ends', control: endDate }),
        ),
      ]),
      links.element,
    );
    build = (text) =>
      withoutUndefined({
        id: id ?? optional(idInput.value),
        country: country.value || undefined,
        region: region.value,
        city: optional(city.value),
        organisation: { name: orgName.value.trim(), type: orgType.value.trim() },
        startDate: startDate.value || undefined,
        endDate: endDate.value || undefined,
        title: text.title ?? {},
        summary: text.summary ?? {},
        resources: text.resources,
        details: text.details,
        results: text.results,
        transfer: text.transfer,
        links: links.values().length ? links.values() : undefined,
      });
  }

  const save = h(
    'button',
    { type: 'submit', class: 'button primary' },
    id ? 'Save changes' : `Create ${meta.singular}`,
  );
  const actions = h(
    'div',
    { class: 'form-actions' },
    save,
    h('a', { class: 'button quiet', href: `#/records/${kind}` }, 'Cancel'),
  );
  if (id) {
    actions.append(
      h(
        'button',
        { type: 'button', class: 'button quiet danger-text push-end', onclick: () => remove() },
        `Delete ${meta.singular}`,
      ),
    );
  }
  const form = h(
    'form',
    { class: 'record-form', novalidate: true },
    h(
      'div',
      { class: 'form-layout' },
      h('div', { class: 'form-main' }, texts.element),
      h('div', { class: 'form-side' }, details),
    ),
    h('div', { class: 'form-footer' }, notes.element, actions),
  );
  container.append(form);

  const locate = (path, message) => {
    const text = texts.showError(path, message);
    if (text) return text;
    for (let parts = path.split('.'); parts.length; parts = parts.slice(0, -1)) {
      const found = controls.get(parts.join('.'));
      if (found) {
        setFieldError(found, message);
        return found;
      }
    }
    return undefined;
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    notes.clear();
    const body = build(texts.values());
    save.disabled = true;
    try {
      if (id) {
        record = await records.update(id, body);
        notes.success(`Saved “${titleOf(record)}”.`);
      } else {
        const created = await records.create(body);
        ctx.navigate(`#/records/${kind}/${encodeURIComponent(created.id)}`, `Created “${titleOf(created)}”.`);
      }
    } catch (error) {
      notes.error(`The ${meta.singular} was not saved.`, error, locate);
    } finally {
      save.disabled = false;
    }
  });

  async function remove() {
    const confirmed = await confirmDialog({
      title: `Delete this ${meta.singular}?`,
      message: [`“${titleOf(record)}” will be deleted in every language.`, 'This cannot be undone.'],
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!confirmed) return;
    try {
      await records.remove(id);
      ctx.navigate(`#/records/${kind}`, `Deleted “${titleOf(record)}”.`);
    } catch (error) {
      notes.error(`The ${meta.singular} was not deleted.`, error);
    }
  }

  const flash = ctx.takeFlash();
  if (flash) notes.success(flash);
}

function group(legend, children) {
  return h('fieldset', { class: 'group' }, h('legend', {}, legend), children);
}

/** The practice's links: one URL input each, added and removed with buttons. */
function linkList(initial, controls) {
  const list = h('ol', { class: 'link-list' });
  const add = h('button', { type: 'button', class: 'button secondary small' }, 'Add a link');
  const element = h('fieldset', { class: 'group' }, h('legend', {}, 'Links'), list, add);
  const inputs = [];

  function render(focusIndex) {
    for (const key of [...controls.keys()]) if (key.startsWith('links.')) controls.delete(key);
    list.replaceChildren(
      ...inputs.map((input, i) => {
        input.id ||= uid('link');
        input.name = `links.${i}`;
        controls.set(`links.${i}`, input);
        const remove = h(
          'button',
          {
            type: 'button',
            class: 'icon-button',
            'aria-label': `Remove link ${i + 1}`,
            title: 'Remove link',
            onclick: () => {
              inputs.splice(i, 1);
              render(Math.min(i, inputs.length - 1));
              if (inputs.length === 0) add.focus();
            },
          },
          '✕',
        );
        const row = field({ label: `Link ${i + 1}`, control: input, className: 'link-row' });
        row.append(remove);
        return h('li', {}, row);
      }),
    );
    if (focusIndex !== undefined && inputs[focusIndex]) inputs[focusIndex].focus();
  }
  const newInput = (value = '') => h('input', { type: 'url', value, placeholder: 'https://' });
  for (const url of initial) inputs.push(newInput(url));
  add.addEventListener('click', () => {
    inputs.push(newInput());
    render(inputs.length - 1);
  });
  render();
  return {
    element,
    values: () => inputs.map((input) => input.value.trim()).filter(Boolean),
  };
}
