// A record's image: choose or drop a JPEG, PNG or WebP (up to 10 MB), watch it upload, see the picture the edition
// will show. The file goes straight to storage (a signed PUT), then Herald makes its email sizes; the URL field
// keeps the result (or a link typed by hand).
import { h, uid } from '../dom.js';
import { field, setFieldError } from './fields.js';

const TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const MAX_BYTES = 10 * 1024 * 1024;

/**
 * @param {{ api: { images: { startUpload(type: string, size: number): Promise<{id: string, upload: {method: string,
 *   url: string, headers: Record<string, string>}}>, process(id: string): Promise<{url: string}> } },
 *   urlInput: HTMLInputElement, hint?: string }} options
 * @returns {HTMLElement}
 */
export function imageUpload({ api, urlInput, hint }) {
  const fileInput = h('input', {
    type: 'file',
    accept: TYPES.join(','),
    id: uid('image-file'),
    class: 'visually-hidden',
    onchange: () => fileInput.files?.[0] && upload(fileInput.files[0]),
  });
  const choose = h('label', { for: fileInput.id, class: 'button secondary' }, 'Choose an image…');
  const progress = h('progress', { max: 100, value: 0, hidden: true, 'aria-label': 'Upload progress' });
  const status = h('p', { class: 'upload-status', role: 'status', 'aria-live': 'polite' });
  const preview = h('img', { class: 'image-preview', alt: '', hidden: true });
  const remove = h(
    'button',
    {
      type: 'button',
      class: 'button quiet',
      hidden: true,
      onclick: () => {
        urlInput.value = '';
        status.textContent = 'Image removed.';
        showPreview();
      },
    },
    'Remove image',
  );
  const zone = h(
    'div',
    { class: 'drop-zone' },
    h('p', {}, choose, ' or drop a JPEG, PNG or WebP here (up to 10 MB).'),
    fileInput,
    progress,
    status,
    preview,
    remove,
  );
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    const file = event.dataTransfer?.files?.[0];
    if (file) upload(file);
  });
  urlInput.addEventListener('input', showPreview);

  function showPreview() {
    const url = urlInput.value.trim();
    const shown = /^https?:\/\//i.test(url);
    preview.hidden = !shown;
    remove.hidden = !shown;
    if (shown) preview.src = url;
    else preview.removeAttribute('src');
  }

  function fail(message) {
    progress.hidden = true;
    status.textContent = '';
    setFieldError(urlInput, message);
  }

  async function upload(file) {
    setFieldError(urlInput, '');
    if (!TYPES.includes(file.type)) return fail(`${file.name} is not a JPEG, PNG or WebP image.`);
    if (file.size > MAX_BYTES) return fail(`${file.name} is larger than 10 MB.`);
    progress.hidden = false;
    progress.value = 0;
    status.textContent = `Uploading ${file.name}…`;
    try {
      const { id, upload: target } = await api.images.startUpload(file.type, file.size);
      await put(target, file, (share) => (progress.value = Math.round(share * 100)));
      status.textContent = 'Making the email sizes…';
      const image = await api.images.process(id);
      urlInput.value = image.url;
      urlInput.dispatchEvent(new window.Event('input', { bubbles: true }));
      progress.hidden = true;
      status.textContent = `${file.name} uploaded. Describe it in each language under Text.`;
    } catch (error) {
      fail(error instanceof Error ? error.message : 'The image could not be uploaded.');
    } finally {
      fileInput.value = '';
    }
  }

  showPreview();
  return h(
    'div',
    { class: 'image-upload' },
    zone,
    field({ label: 'Image URL', control: urlInput, hint: hint ?? 'Filled in by an upload, or a link to an image.' }),
  );
}

/** The PUT of the file to its signed URL, reporting progress (fetch cannot report an upload's). */
function put(target, file, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new window.XMLHttpRequest();
    request.open(target.method, target.url);
    for (const [name, value] of Object.entries(target.headers ?? {})) request.setRequestHeader(name, value);
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener('load', () =>
      request.status >= 200 && request.status < 300
        ? resolve(undefined)
        : reject(new Error(`The upload was refused (${request.status}). Try again.`)),
    );
    request.addEventListener('error', () =>
      reject(new Error('The upload failed. Check the connection and try again.')),
    );
    request.send(file);
  });
}
