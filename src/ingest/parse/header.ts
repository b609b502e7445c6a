/**
 * The RSS-mirror header that DW and Zaobao copies carry before their HTML body:
 *
 *     <!--1667227623000-->
 *     [Title](https://canonical/url)
 *     ------
 *
 * The comment is when the mirror captured the item (epoch milliseconds).
 */
export interface MirrorHeader {
  capturedAtMs: number | null;
  title: string | null;
  url: string | null;
}

export interface HeaderSplit {
  header: MirrorHeader;
  rest: string;
  /** Lines consumed, to keep line numbers of the rest right. */
  lines: number;
}

const COMMENT = /^\s*<!--\s*(\d{10,16})\s*-->\s*$/;
const LINK = /^\s*\[(.*)\]\(\s*<?([^\s>]*(?:\s[^\s>)]+)*)>?\s*\)\s*$/;
const RULE = /^\s*[-=]{3,}\s*$/;

export function splitHeader(text: string): HeaderSplit | null {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  let capturedAtMs: number | null = null;
  const comment = COMMENT.exec(lines[i] ?? '');
  if (comment) {
    capturedAtMs = Number(comment[1]);
    i++;
    while (i < lines.length && lines[i]!.trim() === '') i++;
  }
  const link = LINK.exec(lines[i] ?? '');
  if (link && RULE.test(lines[i + 1] ?? '')) {
    const title = unescapeMarkdown(link[1]!).trim();
    const url = link[2]!.trim();
    return {
      header: { capturedAtMs, title: title || null, url: url || null },
      rest: lines.slice(i + 2).join('\n'),
      lines: i + 2,
    };
  }
  if (comment) {
    return { header: { capturedAtMs, title: null, url: null }, rest: lines.slice(i).join('\n'), lines: i };
  }
  return null;
}

function unescapeMarkdown(s: string): string {
  return s.replace(/\\([\\`*_{}[\]()#+\-.!"'|<>])/g, '$1');
}
