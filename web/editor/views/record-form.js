// Create or edit a highlight or a best practice: text per language behind the language switcher, details beside it.
// Leaving with changes not saved asks first; an address may name a language and a field to open (a translation gap).
import { h, uid } from '../dom.js';
import { COUNTRIES, COUNTRY_CODES, OTHER_REGION, regionsOf, sourceName } from '../reference.js';
import { feedback } from '../widgets/feedback.js';
import { clearFieldErrors, field, fieldLocator, select } from '../widgets/fields.js';
import { imageUpload } from '../widgets/image-upload.js';
import { languageTexts } from '../widgets/language-texts.js';
import { pageHeader } from '../widgets/page.js';
import { RECORD_KINDS, confirmDelete, titleOf } from './records-common.js';

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
const group = (legend, children) => h('fieldset', { class: 'group' }, h('legend', {}, legend), children);

export async function renderRecordForm(container, ctx, { kind, id, lang, field: focusField }) {
  const meta = RECORD_KINDS[kind];
  const heading = pageHeader(id ? `Edit ${meta.singular}` : `New ${meta.singular}`);
  const notes = feedback();
  container.append(
    h('p', { class: 'breadcrumb' }, h('a', { href: `#/records/${kind}` }, `← ${meta.label}`)),
    heading,
    notes.element,
  );
  ctx.setTitle(id ? `Edit ${meta.singular}` : `New ${meta.singular}`);
  const record = id ? await loadRecord(ctx, { kind, id, heading, notes }) : {};
  if (!record) return;
  const page = { ctx, kind, id, meta, notes, record, dirty: false };
  container.append(recordForm(page));
  ctx.guardLeaving({ pending: () => page.dirty });
  const flash = ctx.takeFlash();
  if (flash) notes.success(flash);
  if (lang && page.texts) openText(page.texts, lang, focusField);
}

/** Opens a language's tab with one of its fields focused (e.g. `image.alt`), from a link to a translation gap. */
function openText(texts, lang, name) {
  texts.show(lang);
  const control = name ? texts.controlOf(name) : undefined;
  control?.focus();
}

async function loadRecord(ctx, { kind, id, heading, notes }) {
  try {
    const record = await ctx.api[kind].get(id);
    heading.querySelector('h1').textContent = titleOf(record);
    ctx.setTitle(titleOf(record));
    return record;
  } catch (error) {
    notes.error(`This ${RECORD_KINDS[kind].singular} could not be loaded.`, error);
    return undefined;
  }
}

/** The texts on the main side, the details beside them; save, cancel and delete under both. */
function recordForm(page) {
  const { kind, id, meta, notes, record } = page;
  const texts = languageTexts({
    legend: 'Text',
    fields: TEXT_FIELDS[kind],
    values: { ...record, 'image.alt': record.image?.alt },
  });
  const registry = controlRegistry();
  const recordId = idDetails(id, record, registry);
  const where = placeAndDates(record, kind, registry);
  const details = (kind === 'highlights' ? highlightDetails : practiceDetails)(record, registry, where, page.ctx);
  const save = h(
    'button',
    { type: 'submit', class: 'button primary' },
    id ? 'Save changes' : `Create ${meta.singular}`,
  );
  const form = h(
    'form',
    { class: 'record-form', novalidate: true },
    h(
      'div',
      { class: 'form-layout' },
      h('div', { class: 'form-main' }, texts.element),
      h('div', { class: 'form-side' }, recordId.element, details.elements),
    ),
    // The messages stay above the form (under the heading): the sticky footer holds only the buttons, so nothing
    // covers the form.
    h('div', { class: 'form-footer' }, formActions(page, save)),
  );
  const locateDetail = fieldLocator(registry.controls);
  page.locate = (path, message) => texts.showError(path, message) ?? locateDetail(path, message);
  page.texts = texts;
  const markDirty = () => (page.dirty = true);
  form.addEventListener('input', markDirty);
  form.addEventListener('change', markDirty);
  form.addEventListener('click', (event) => {
    // Adding or removing a link changes the record too.
    if (event.target.closest?.('.link-list, .link-list + button')) markDirty();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    texts.clearErrors();
    notes.clear();
    saveRecord(page, details.build(texts.values(), { id: recordId.value(), ...where.values() }), save);
  });
  return form;
}

/** Controls by the API's field path, so an error naming `organisation.name` or `links.1` finds its input. */
function controlRegistry() {
  const controls = new Map();
  const control = (path, element) => {
    element.id ||= uid(path.replace(/\W/g, '-'));
    element.name = path;
    controls.set(path, element);
    return element;
  };
  const input = (path, value, props = {}) => control(path, h('input', { type: 'text', value: value ?? '', ...props }));
  return { controls, control, input };
}

/** A new record's optional ID, or the ID of the one edited. */
function idDetails(id, record, { input }) {
  if (id) return { element: h('p', { class: 'record-id' }, 'ID ', h('code', {}, record.id)), value: () => id };
  const idInput = input('id', '', { autocomplete: 'off', spellcheck: 'false' });
  const hint = `Lower-case letters, digits and dashes. Left empty, it is made from the ${sourceName()} title.`;
  return {
    element: h('div', { class: 'group' }, field({ label: 'ID (optional)', control: idInput, hint })),
    value: () => optional(idInput.value),
  };
}

/** Country, region (the chosen country's), city and dates: what both kinds of record have. */
function placeAndDates(record, kind, { control, input }) {
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
        h('option', { value: name, selected: name === selected }, name === OTHER_REGION ? 'Other' : name),
      ),
    );
    region.disabled = !country.value;
  };
  fillRegions(record.region);
  country.addEventListener('change', () => fillRegions(region.value));
  const city = input('city', record.city, { autocomplete: 'off' });
  const startDate = input('startDate', record.startDate, { type: 'date' });
  const endDate = input('endDate', record.endDate, { type: 'date' });
  return {
    fields: [
      field({ label: 'Country', control: country }),
      field({ label: 'Region', control: region }),
      field({ label: 'City', control: city }),
    ],
    dates: h(
      'div',
      { class: 'field-row' },
      field({ label: 'Starts', control: startDate }),
      field({ label: 'Ends', control: endDate }),
    ),
    values: () => ({
      country: country.value || undefined,
      // A practice needs its region: an empty one is sent, and the API names the field.
      region: kind === 'practices' ? region.value : region.value || undefined,
      city: optional(city.value),
      startDate: startDate.value || undefined,
      endDate: endDate.value || undefined,
    }),
  };
}

/** A highlight's place and participants, its link and image; `build` makes the API's body. */
function highlightDetails(record, { controls, input }, where, ctx) {
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
  const elements = [
    group('Where and when', [
      ...where.fields,
      field({ label: 'Place', control: place, hint: 'As readers should see it, e.g. “Town hall, Main Square”.' }),
      where.dates,
      field({ label: 'Participants', control: participants }),
    ]),
    group('Link and image', [
      field({ label: 'Link', control: link, hint: 'Where readers can read more.' }),
      imageUpload({ api: ctx.api, urlInput: imageUrl, hint: 'Describe the image in each language under Text.' }),
    ]),
  ];
  const build = (text, common) => {
    const alt = text['image.alt'];
    const url = optional(imageUrl.value);
    return withoutUndefined({
      ...common,
      place: place.value.trim(),
      participants: participants.value === '' ? undefined : Number(participants.value),
      title: text.title ?? {},
      summary: text.summary ?? {},
      body: text.body ?? {},
      link: optional(link.value),
      image: url || alt ? { url: url ?? '', alt: alt ?? {} } : undefined,
    });
  };
  return { elements, build };
}

/** A practice's organisation and links; `build` makes the API's body. */
function practiceDetails(record, { controls, input }, where) {
  const orgName = input('organisation.name', record.organisation?.name, { 'aria-required': 'true' });
  const orgType = input('organisation.type', record.organisation?.type, {
    'aria-required': 'true',
    placeholder: 'e.g. Social cooperative',
  });
  controls.set('organisation', orgName);
  const links = linkList(record.links ?? [], controls);
  const elements = [
    group('Organisation', [field({ label: 'Name', control: orgName }), field({ label: 'Type', control: orgType })]),
    group('Where and when', [...where.fields, where.dates]),
    links.element,
  ];
  const build = (text, common) =>
    withoutUndefined({
      ...common,
      organisation: { name: orgName.value.trim(), type: orgType.value.trim() },
      title: text.title ?? {},
      summary: text.summary ?? {},
      resources: text.resources,
      details: text.details,
      results: text.results,
      transfer: text.transfer,
      links: links.values().length ? links.values() : undefined,
    });
  return { elements, build };
}

function formActions(page, save) {
  const { kind, id, meta } = page;
  return h(
    'div',
    { class: 'form-actions' },
    save,
    h('a', { class: 'button quiet', href: `#/records/${kind}` }, 'Cancel'),
    id
      ? h(
          'button',
          { type: 'button', class: 'button quiet danger-text push-end', onclick: () => removeRecord(page) },
          `Delete ${meta.singular}`,
        )
      : null,
  );
}

async function saveRecord(page, body, save) {
  const { ctx, kind, id, meta, notes } = page;
  save.disabled = true;
  try {
    if (id) {
      page.record = await ctx.api[kind].update(id, body);
      page.dirty = false;
      notes.success(`Saved “${titleOf(page.record)}”.`);
    } else {
      const created = await ctx.api[kind].create(body);
      page.dirty = false;
      ctx.navigate(`#/records/${kind}/${encodeURIComponent(created.id)}`, `Created “${titleOf(created)}”.`);
    }
  } catch (error) {
    notes.error(`The ${meta.singular} was not saved.`, error, page.locate);
  } finally {
    save.disabled = false;
  }
}

async function removeRecord(page) {
  const { ctx, kind, id, meta, notes } = page;
  const title = titleOf(page.record);
  if (!(await confirmDelete(meta, title))) return;
  try {
    await ctx.api[kind].remove(id);
    page.dirty = false;
    ctx.navigate(`#/records/${kind}`, `Deleted “${title}”.`);
  } catch (error) {
    notes.error(`The ${meta.singular} was not deleted.`, error);
  }
}

/** The practice's links: one URL input each, added and removed with buttons. */
function linkList(initial, controls) {
  const list = h('ol', { class: 'link-list' });
  const add = h('button', { type: 'button', class: 'button secondary small' }, 'Add a link');
  const element = h('fieldset', { class: 'group' }, h('legend', {}, 'Links'), list, add);
  const inputs = [];
  const newInput = (value = '') => h('input', { type: 'url', value, placeholder: 'https://' });

  function removeButton(i) {
    const onclick = () => {
      inputs.splice(i, 1);
      render(Math.min(i, inputs.length - 1));
      if (inputs.length === 0) add.focus();
    };
    const label = `Remove link ${i + 1}`;
    return h(
      'button',
      { type: 'button', class: 'icon-button', 'aria-label': label, title: 'Remove link', onclick },
      '✕',
    );
  }

  function render(focusIndex) {
    for (const key of [...controls.keys()]) if (key.startsWith('links.')) controls.delete(key);
    list.replaceChildren(
      ...inputs.map((input, i) => {
        input.id ||= uid('link');
        input.name = `links.${i}`;
        controls.set(`links.${i}`, input);
        const row = field({ label: `Link ${i + 1}`, control: input, className: 'link-row' });
        row.append(removeButton(i));
        return h('li', {}, row);
      }),
    );
    if (focusIndex !== undefined && inputs[focusIndex]) inputs[focusIndex].focus();
  }

  for (const url of initial) inputs.push(newInput(url));
  add.addEventListener('click', () => {
    inputs.push(newInput());
    render(inputs.length - 1);
  });
  render();
  return { element, values: () => inputs.map((input) => input.value.trim()).filter(Boolean) };
}
