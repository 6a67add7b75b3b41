// URL slugs: lower-case ASCII words joined by dashes (`2019 Toyota Avanza 1.3 G` → `2019-toyota-avanza-1-3-g`).
export function slugify(input: string, maxLength = 80): string {
  const slug = input
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, maxLength).replace(/-+$/g, '') || 'item';
}
