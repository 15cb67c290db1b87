// SES message tags: values may hold only letters, digits, '_' and '-'.

/** A value SES accepts as a message tag: accents dropped, anything else becomes '-'. */
export const tagValue = (value: string) =>
  value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .slice(0, 256);
