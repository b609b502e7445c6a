/**
 * URL slugs that keep Chinese: Eleventy's `slugify` drops CJK characters (every Chinese
 * title would become the same empty slug). Letters and digits of any script are kept,
 * everything else becomes a hyphen, so a slug can never hold `/`, `.` or `%`.
 */
export function slugify(value: string, maxLength = 48): string {
  const slug = value
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  const cut = Array.from(slug).slice(0, maxLength).join('').replace(/-+$/, '');
  return cut || 'untitled';
}
