/**
 * Video items: DW's `<video src>` clips with a one-line teaser, YouTube `<iframe>`s, a post
 * that is only a link to a video. The video itself is not archived, so the article says so
 * in a warning instead of passing its teaser off as the whole story.
 */
import type { Transform } from '../types.ts';
import { elements, prop, squash, textContent } from './hast.ts';

const VIDEO_HOST = /^https?:\/\/(?:[\w-]+\.)*(?:youtube\.com|youtu\.be|vimeo\.com|youtube-nocookie\.com)\//i;
const VIDEO_FILE = /\.(?:mp4|m3u8|webm|mov|flv)(?:[?#]|$)/i;

export const noteVideos: Transform = (tree, ctx) => {
  const videos: string[] = [];
  const links: string[] = [];
  for (const el of elements(tree)) {
    const src = prop(el, 'src') ?? '';
    if (el.tagName === 'video' || (el.tagName === 'source' && VIDEO_FILE.test(src))) {
      if (src) videos.push(src);
      else videos.push('a video');
    } else if (el.tagName === 'iframe' && (VIDEO_HOST.test(src) || VIDEO_FILE.test(src))) {
      videos.push(src);
    } else if (el.tagName === 'a') {
      const href = prop(el, 'href') ?? '';
      if (VIDEO_HOST.test(href) || VIDEO_FILE.test(href)) links.push(href);
    }
  }
  // Most items have neither: their whole text need not be made.
  if (videos.length === 0 && links.length === 0) return;
  const text = squash(textContent(tree));
  const onlyLink = links.length > 0 && links.some((l) => text === squash(l) || text.length < 40);
  if (videos.length > 0 && text.length < 400) {
    ctx.findings.warnings.push(`video item: the video (${videos[0]}) is not archived; the text is its caption`);
  } else if (videos.length === 0 && onlyLink) {
    ctx.findings.warnings.push(`video item: the post is a link to a video (${links[0]}), which is not archived`);
  }
};
