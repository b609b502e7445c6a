/**
 * Article images at render time. The ingest keeps each image's original URL; where the
 * image archiver (`news-archive images`) holds a local copy in `content/media/`, the
 * article page gets a responsive `<picture>` made with @11ty/eleventy-img (AVIF, WebP and
 * a JPEG or PNG fallback, several widths, the real width/height, a dominant-colour
 * placeholder class); where it does not, the original URL stays, with its known size
 * (never a guessed one) and `referrerpolicy="no-referrer"`.
 *
 * The body HTML is rewritten as a tree (hast), never with regular expressions. Nothing
 * here touches the network, and nothing here fails a build: an image that cannot be
 * processed falls back to its original URL.
 *
 * Generated files go to a cache folder (`.cache/images/` by default, kept across builds
 * and CI runs; eleventy-img skips files that exist) and are copied into `<out>/media/`.
 * URLs are written site-relative (`/media/…`); Eleventy's HTML base plugin adds the path
 * prefix to `src` and `srcset`.
 */
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import Image, { type ImageOptions } from '@11ty/eleventy-img';
import { toHtml } from 'hast-util-to-html';
import type { Element, ElementContent, Root } from 'hast';
import sharp from 'sharp';
import { visit } from 'unist-util-visit';
import { isArchived, MANIFEST, readManifest, type ArchivedEntry } from '../images/manifest.ts';
import { parseHtmlFragment } from '../ingest/html/parse.ts';

/** Output widths below the original's, plus the original's own width capped at MAX_WIDTH; never upscaled. */
export const IMAGE_WIDTHS = [320, 640, 960];
export const MAX_WIDTH = 1600;

export function outputWidths(original: number): number[] {
  const top = Math.min(original, MAX_WIDTH);
  return [...IMAGE_WIDTHS.filter((w) => w < top), top];
}
/** The article column is 40rem wide at most. */
export const IMAGE_SIZES = '(min-width: 42rem) 40rem, 100vw';
/** Bumped when the encoding options change, so cached outputs are not reused. */
const OUTPUT_VERSION = 'v1';
const MAX_PIXELS = 100_000_000;

export interface ImageRendererOptions {
  /** `content/media`: the archived originals and their manifest. */
  mediaDir: string;
  /** The site's output folder; images are copied into its `media/`. */
  outputDir: string;
  /** Where generated images are cached between builds. */
  cacheDir: string;
}

/** The eleventy-img options for one archived image (also used by scripts/bench-images.ts). */
export function variantOptions(
  entry: Pick<ArchivedEntry, 'file' | 'type' | 'width'>,
  outputDir: string,
): { options: ImageOptions; fallbackFormat: 'png' | 'jpeg' } {
  const fallbackFormat = /png|gif/.test(entry.type) ? 'png' : 'jpeg';
  const stem = entry.file.slice(0, 16);
  return {
    fallbackFormat,
    options: {
      widths: outputWidths(entry.width),
      formats: ['avif', 'webp', fallbackFormat],
      outputDir,
      urlPath: '/media/',
      sharpOptions: { limitInputPixels: MAX_PIXELS, animated: false },
      // libaom's effort 4 (sharp's default) costs ~10× the time of effort 2 for a few
      // percent of bytes (scripts/bench-images.ts).
      sharpAvifOptions: { effort: 2 },
      fixOrientation: true,
      filenameFormat: (_id, _src, width, format) => `${stem}-${OUTPUT_VERSION}-${width}.${format}`,
    },
  };
}

interface Variant {
  url: string;
  width: number;
  height: number;
  srcset: string;
  outputPath: string;
  filename: string;
}

interface Generated {
  sources: Array<{ type: string; srcset: string }>;
  fallback: Variant;
  fallbackSrcset: string;
  placeholder: string | null;
}

interface ArticleImages {
  html: string;
  leadImage: { src: string } | null;
  images: Array<{ src: string; width: number | null; height: number | null }>;
}

/** The dominant colour, reduced to a 3×3×3 palette: `ph-000` … `ph-222` (see public/images.css). */
async function placeholderClass(path: string): Promise<string | null> {
  const image = sharp(path, { limitInputPixels: MAX_PIXELS });
  const meta = await image.metadata();
  if (meta.hasAlpha) return null;
  const { dominant } = await image.resize(64, 64, { fit: 'inside' }).stats();
  const level = (c: number): number => Math.min(2, Math.round(c / 127.5));
  return `ph-${level(dominant.r)}${level(dominant.g)}${level(dominant.b)}`;
}

export class ImageRenderer {
  private media = new Map<string, ArchivedEntry>();
  private manifestStamp = '';
  private generated = new Map<string, Promise<Generated | null>>();
  private copied = new Map<string, Promise<void>>();

  constructor(private readonly options: ImageRendererOptions) {}

  /**
   * Reads the manifest's archived entries whose file exists, when the manifest changed since
   * the last read. Called before each build, not for each image: a stat per image was
   * seconds of a render at 10k articles.
   */
  refresh(): void {
    const path = join(this.options.mediaDir, MANIFEST);
    let stamp = 'none';
    try {
      const s = statSync(path);
      stamp = `${s.mtimeMs}:${s.size}`;
    } catch {
      // no manifest: nothing archived
    }
    if (stamp === this.manifestStamp) return;
    this.manifestStamp = stamp;
    this.media = new Map(
      readManifest(path)
        .images.filter(isArchived)
        .filter((e) => existsSync(join(this.options.mediaDir, e.file)))
        .map((e) => [e.url, e]),
    );
  }

  private archived(url: string): ArchivedEntry | undefined {
    if (this.manifestStamp === '') this.refresh();
    return this.media.get(url);
  }

  private copyOut(from: string, name: string): Promise<void> {
    let job = this.copied.get(name);
    if (!job) {
      job = (async () => {
        const dir = join(this.options.outputDir, 'media');
        await mkdir(dir, { recursive: true });
        await copyFile(from, join(dir, name));
      })();
      this.copied.set(name, job);
    }
    return job;
  }

  private generate(entry: ArchivedEntry): Promise<Generated | null> {
    let job = this.generated.get(entry.file);
    if (!job) {
      job = this.doGenerate(entry).catch((err: unknown) => {
        process.stderr.write(
          `news-archive: image ${entry.file} (${entry.url}) not processed: ${(err as Error).message}\n`,
        );
        return null;
      });
      this.generated.set(entry.file, job);
    }
    return job;
  }

  private async doGenerate(entry: ArchivedEntry): Promise<Generated | null> {
    const source = join(this.options.mediaDir, entry.file);
    const { options, fallbackFormat } = variantOptions(entry, this.options.cacheDir);
    const stats = (await Image(source, options)) as Record<string, Variant[]>;
    const list = (format: string): Variant[] => [...(stats[format] ?? [])].sort((a, b) => a.width - b.width);
    const srcset = (variants: Variant[]): string => variants.map((v) => v.srcset).join(', ');
    const fallbacks = list(fallbackFormat);
    const fallback = fallbacks.at(-1);
    if (!fallback) return null;
    const all = [...list('avif'), ...list('webp'), ...fallbacks];
    await Promise.all(all.map((v) => this.copyOut(v.outputPath, basename(v.filename ?? v.outputPath))));
    let placeholder: string | null = null;
    try {
      placeholder = await placeholderClass(source);
    } catch {
      placeholder = null;
    }
    return {
      sources: [
        { type: 'image/avif', srcset: srcset(list('avif')) },
        { type: 'image/webp', srcset: srcset(list('webp')) },
      ].filter((s) => s.srcset !== ''),
      fallback,
      fallbackSrcset: srcset(fallbacks),
      placeholder,
    };
  }

  /**
   * The site path of an image's archived original (copied into `<out>/media/`), for the
   * Open Graph image; null when there is no local copy.
   */
  async archivedPath(url: string | null | undefined): Promise<string | null> {
    if (!url) return null;
    const entry = this.archived(url);
    if (!entry) return null;
    try {
      await stat(join(this.options.mediaDir, entry.file));
      await this.copyOut(join(this.options.mediaDir, entry.file), entry.file);
      return `/media/${entry.file}`;
    } catch {
      return null;
    }
  }

  /** The article body with every `<img>` rewritten; on any failure, the body as it was. */
  async renderArticle(article: ArticleImages): Promise<string> {
    // The ingest wrote the body with the same serializer: without an image there is nothing
    // to rewrite, and parsing it again was a fifth of the render at 10k articles.
    if (!article.html.includes('<img')) return article.html;
    let tree: Root;
    try {
      tree = parseHtmlFragment(article.html);
    } catch {
      return article.html;
    }
    const known = new Map(article.images.map((i) => [i.src, i]));
    const images: Array<{ node: Element; parent: Element | Root; index: number }> = [];
    visit(tree, 'element', (node, index, parent) => {
      if (node.tagName === 'img' && parent && index !== undefined) images.push({ node, parent, index });
    });
    let first = true;
    for (const { node, parent, index } of images) {
      const src = typeof node.properties['src'] === 'string' ? node.properties['src'] : '';
      const eager = first && article.leadImage !== null && src === article.leadImage.src;
      first = false;
      const alt = typeof node.properties['alt'] === 'string' ? node.properties['alt'] : '';
      const entry = src ? this.archived(src) : undefined;
      const made = entry ? await this.generate(entry) : null;
      if (made) {
        parent.children[index] = this.picture(made, alt, eager);
        continue;
      }
      // No local copy: the original URL, its known size only, no referrer to the host.
      const size = known.get(src);
      const width = node.properties['width'] ?? size?.width ?? undefined;
      const height = node.properties['height'] ?? size?.height ?? undefined;
      node.properties = {
        src,
        alt,
        ...(width !== undefined && width !== null ? { width } : {}),
        ...(height !== undefined && height !== null ? { height } : {}),
        loading: eager ? 'eager' : 'lazy',
        decoding: 'async',
        referrerPolicy: 'no-referrer',
      };
    }
    return toHtml(tree);
  }

  private picture(made: Generated, alt: string, eager: boolean): ElementContent {
    return {
      type: 'element',
      tagName: 'picture',
      properties: {},
      children: [
        ...made.sources.map((s): ElementContent => ({
          type: 'element',
          tagName: 'source',
          properties: { type: s.type, srcSet: s.srcset, sizes: IMAGE_SIZES },
          children: [],
        })),
        {
          type: 'element',
          tagName: 'img',
          properties: {
            src: made.fallback.url,
            srcSet: made.fallbackSrcset,
            sizes: IMAGE_SIZES,
            width: made.fallback.width,
            height: made.fallback.height,
            alt,
            loading: eager ? 'eager' : 'lazy',
            decoding: 'async',
            ...(made.placeholder ? { className: ['ph', made.placeholder] } : {}),
          },
          children: [],
        },
      ],
    };
  }
}

/** Reads what the renderer needs of an article from the ingest output. */
export function readArticleImages(archiveDir: string, id: string): ArticleImages {
  return JSON.parse(readFileSync(join(archiveDir, 'articles', `${id}.json`), 'utf8')) as ArticleImages;
}
