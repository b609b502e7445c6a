/**
 * Caps how deeply HTML elements nest, before parsing.
 *
 * The HTML parser builds any depth, but the hast conversion and every tree walk after it
 * recurse, and a hostile file nested 100,000 levels deep would overflow the stack. No real
 * article nests past a few dozen levels, so open tags past `maxDepth` (and their closing
 * tags) are dropped; their text stays.
 */
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?(\/?)>/g;

export function limitNesting(html: string, maxDepth = 256): { html: string; dropped: number } {
  // Cheap exit for the common case: fewer open tags than the limit cannot nest past it.
  let opens = 0;
  for (let i = html.indexOf('<'); i >= 0 && opens <= maxDepth; i = html.indexOf('<', i + 1)) {
    if (/[a-zA-Z]/.test(html[i + 1] ?? '')) opens++;
  }
  if (opens <= maxDepth) return { html, dropped: 0 };

  let depth = 0;
  let dropped = 0;
  const droppedAt: number[] = []; // depths at which an open tag was dropped, to drop its close
  // `<div/>` does not close in HTML (only void elements are self-closing), so it counts.
  const out = html.replace(TAG, (tag, slash: string, name: string) => {
    const lower = name.toLowerCase();
    if (VOID.has(lower)) return tag;
    if (slash) {
      if (droppedAt.length > 0 && droppedAt[droppedAt.length - 1] === depth) {
        droppedAt.pop();
        depth--;
        return '';
      }
      depth = Math.max(0, depth - 1);
      return tag;
    }
    depth++;
    if (depth > maxDepth) {
      droppedAt.push(depth);
      dropped++;
      return '';
    }
    return tag;
  });
  return { html: out, dropped };
}
