/**
 * Image processing benchmark: `node --import tsx scripts/bench-images.ts [--runs N]`.
 *
 * Makes a fixed sample of images with sharp (no network, no files needed: smooth and
 * detailed photos as JPEG, a screenshot-like PNG, a GIF, a WebP), then runs each through
 * the site's own image pipeline (src/site/images.ts: eleventy-img, AVIF + WebP + fallback
 * at the site's widths) with no cache, and reports per image the processing time and the
 * bytes a reader downloads at full width (AVIF, WebP) and at 640 px, against the original.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Image from '@11ty/eleventy-img';
import sharp from 'sharp';
import { variantOptions } from '../src/site/images.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '1' } } });
const runs = Math.max(1, Number(values.runs) || 1);

/** Deterministic pseudo-random texture over a gradient: photo-like detail. */
function photo(width: number, height: number, detail: number): sharp.Sharp {
  const px = Buffer.alloc(width * height * 3);
  let seed = 12345;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const n = ((seed >> 16) & 255) * detail;
      const i = (y * width + x) * 3;
      px[i] = Math.min(255, (x * 200) / width + n * 0.2);
      px[i + 1] = Math.min(255, (y * 180) / height + n * 0.15);
      px[i + 2] = Math.min(255, 90 + Math.sin(x / 37) * 40 + Math.cos(y / 23) * 40 + n * 0.1);
    }
  return sharp(px, { raw: { width, height, channels: 3 } });
}

async function sample(): Promise<Array<{ name: string; type: string; bytes: Buffer }>> {
  const screenshot = await sharp({ create: { width: 1000, height: 700, channels: 3, background: '#f4f4f4' } })
    .composite([
      { input: await photo(600, 400, 1).png().toBuffer(), left: 40, top: 40 },
      {
        input: Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="600"><rect width="300" height="600" fill="#2a6"/><text x="20" y="60" font-size="40">TEXT</text></svg>',
        ),
        left: 680,
        top: 40,
      },
    ])
    .png()
    .toBuffer();
  return [
    {
      name: 'photo-1600x1067.jpg (q90)',
      type: 'image/jpeg',
      bytes: await photo(1600, 1067, 1).jpeg({ quality: 90 }).toBuffer(),
    },
    {
      name: 'photo-1024x683.jpg (q85)',
      type: 'image/jpeg',
      bytes: await photo(1024, 683, 1).jpeg({ quality: 85 }).toBuffer(),
    },
    {
      name: 'smooth-1000x1481.jpg (q90)',
      type: 'image/jpeg',
      bytes: await photo(1000, 1481, 0.1).jpeg({ quality: 90 }).toBuffer(),
    },
    { name: 'screenshot-1000x700.png', type: 'image/png', bytes: screenshot },
    { name: 'photo-480x320.gif', type: 'image/gif', bytes: await photo(480, 320, 1).gif().toBuffer() },
    { name: 'photo-800x533.webp', type: 'image/webp', bytes: await photo(800, 533, 1).webp().toBuffer() },
  ];
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
const pct = (part: number, whole: number): string => `${((1 - part / whole) * 100).toFixed(0)}%`;

const images = await sample();
const rows: string[][] = [];
let totalMs = 0;
let totalOriginal = 0;
let totalAvif = 0;
let totalWebp = 0;
for (const image of images) {
  const meta = await sharp(image.bytes).metadata();
  const hash = createHash('sha256').update(image.bytes).digest('hex');
  let best = Infinity;
  let stats: Awaited<ReturnType<typeof Image>> = {};
  for (let run = 0; run < runs; run++) {
    const out = mkdtempSync(join(tmpdir(), 'bench-images-'));
    const { options } = variantOptions({ file: `${hash}.x`, type: image.type, width: meta.width! }, out);
    const started = performance.now();
    stats = await Image(image.bytes, { ...options, useCache: false });
    best = Math.min(best, performance.now() - started);
    rmSync(out, { recursive: true, force: true });
  }
  const largest = (format: string): number =>
    [...(stats[format] ?? [])].sort((a, b) => b.width - a.width)[0]?.size ?? 0;
  const at640 = (format: string): number => stats[format]?.find((v) => v.width === 640)?.size ?? largest(format);
  const avif = largest('avif');
  const webp = largest('webp');
  const files = Object.values(stats).flat().length;
  totalMs += best;
  totalOriginal += image.bytes.length;
  totalAvif += avif;
  totalWebp += webp;
  rows.push([
    image.name,
    `${best.toFixed(0)} ms`,
    String(files),
    kb(image.bytes.length),
    `${kb(avif)} (−${pct(avif, image.bytes.length)})`,
    `${kb(webp)} (−${pct(webp, image.bytes.length)})`,
    `${kb(at640('avif'))}`,
  ]);
}
const header = ['image', 'time', 'files', 'original', 'AVIF full width', 'WebP full width', 'AVIF 640w'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
process.stdout.write(`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map(line).join('\n')}\n\n`);
process.stdout.write(
  `${images.length} images, ${(totalMs / images.length).toFixed(0)} ms per image on average (best of ${runs}), ` +
    `${(totalMs / 1000).toFixed(2)} s in all\n` +
    `bytes at full width: originals ${kb(totalOriginal)}, AVIF ${kb(totalAvif)} (saves ${pct(totalAvif, totalOriginal)}), ` +
    `WebP ${kb(totalWebp)} (saves ${pct(totalWebp, totalOriginal)})\n`,
);
