// Small valid inputs the tests start from: a highlight, a best practice and an issue draft as an editor sends them.

export const aHighlight = {
  country: 'BG',
  place: 'Haskovo',
  startDate: '2026-06-10',
  title: { en: 'Fair' },
  summary: { en: 'Makers met buyers.' },
  body: { en: 'Two days.' },
  link: 'https://fair.example/',
};

export const aPractice = {
  country: 'BG',
  region: 'Haskovo',
  organisation: { name: 'Org', type: 'NGO' },
  title: { en: 'Practice' },
  summary: { en: 'Summary' },
};

export const anIssueDraft = { title: 'Digest', subject: { en: 'Digest' }, intro: { en: 'Hello' }, sections: [] };
