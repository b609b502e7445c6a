/**
 * A synthetic corpus for the benchmark, made from the real files: the seeds and the
 * development corpus (all four formats, every outlet family), cycled to N files with
 * varied dates across years, unique titles and URLs, and every tenth file a reprint of
 * another's body under a new title (so reprint grouping has work to do).
 */
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SEEDS = 'content/articles';
const DEV = ['../shared/corpus-dev', 'tests/fixtures/corpus-dev'];

function sources(): Array<{ name: string; text: string }> {
  const out = readdirSync(SEEDS).map((name) => ({ name, text: readFileSync(join(SEEDS, name), 'utf8') }));
  const dev = DEV.find((d) => {
    try {
      return readdirSync(d).length > 0;
    } catch {
      return false;
    }
  });
  if (dev) {
    for (const sub of readdirSync(dev, { withFileTypes: true }).filter((e) => e.isDirectory())) {
      for (const name of readdirSync(join(dev, sub.name)).sort()) {
        out.push({ name: `${sub.name}-${name}`, text: readFileSync(join(dev, sub.name, name), 'utf8') });
      }
    }
  }
  return out;
}

/** Shifts every ISO, RFC 2822 and epoch date of a file by whole days, keeping its shape. */
function shiftDates(text: string, days: number): string {
  const ms = days * 86_400_000;
  return text
    .replace(/\b(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z)/g, (m) =>
      new Date(Date.parse(m) + ms)
        .toISOString()
        .replace(m.includes('.') ? /$/ : /\.\d{3}Z$/, m.includes('.') ? '' : 'Z'),
    )
    .replace(/<!--(\d{13})-->/g, (_, n: string) => `<!--${Number(n) + ms}-->`)
    .replace(
      /^date: (\w{3}, \d{2} \w{3} \d{4} [\d:]+ GMT)$/m,
      (_, d: string) => `date: ${new Date(Date.parse(d) + ms).toUTCString()}`,
    );
}

const bodyOf = (t: string): number => Math.max(t.lastIndexOf('\n------\n') + 8, t.lastIndexOf('\n---\n') + 5, 0);

/**
 * Copy `round` of a text: the sentences of its body replaced by sentences of the other texts
 * of the corpus, chosen by `seed` (the file's number). Without it every copy of a source
 * text is a near-duplicate of the others, and at 10k articles each text would form a reprint
 * group of ~70 copies, which no real archive has; with it, about a third of the articles
 * are in reprint groups (of at most 8 at 1k: the intended reprints, and texts made mostly of
 * kept sentences), and every word is a real one (replacing single characters instead made
 * up words, and doubled the search index). Markup and the sentences with dates or meeting
 * words are kept, so that the file still parses, dates still resolve and reports still find
 * their event.
 */
function perturb(text: string, round: number, seed: number, donors: string[]): string {
  if (round === 0 || donors.length === 0) return text;
  const start = bodyOf(text);
  let j = 0;
  // Text between tags only, so that the markup stays as it was.
  const body = text
    .slice(start)
    .split(/(<[^>]*>)/)
    .map((chunk, k) =>
      k % 2 === 1
        ? chunk
        : chunk
            .split('。')
            .map((sentence) => {
              const h = (Math.imul(seed + 1, 2654435761) ^ Math.imul(++j, 40503)) >>> 0;
              return replaceable(sentence) ? donors[(h >>> 2) % donors.length]! : sentence;
            })
            .join('。'),
    )
    .join('');
  return text.slice(0, start) + body;
}

const KEEP = /[年月日]|会晤|会谈|峰会/;
const replaceable = (sentence: string): boolean => sentence.trim().length >= 2 && !KEEP.test(sentence);

/** Every replaceable sentence of the corpus, in a fixed order. */
function donorsOf(base: Array<{ text: string }>): string[] {
  return base.flatMap(({ text }) =>
    text
      .slice(bodyOf(text))
      .split(/<[^>]*>/)
      .flatMap((chunk) => chunk.split('。'))
      .filter(replaceable),
  );
}

function vary(text: string, i: number): string {
  // A unique title and URL per copy, so that ids and slugs do not collide.
  return text
    .replace(/^(title: ['"]?)(.+?)(['"]?)$/m, (_, a: string, t: string, b: string) => `${a}${t}（${i}）${b}`)
    .replace(
      /^\[(.+)\]\((\S+?)\)$/m,
      (_, t: string, u: string) => `[${t}（${i}）](${u}${u.includes('?') ? '&' : '?'}copy=${i})`,
    )
    .replace(/^(from: .+)$/m, (_, f: string) => `${f}${f.includes('?') ? '&' : '?'}copy=${i}`)
    .replace(/^(\s*据新华社电)/m, `（第${i}号）$1`);
}

/**
 * One more article, new to a corpus of `size` (the "+1 article" rebuild): a copy of the file
 * of the newest article, one day later, as the next day's article lands.
 */
export function generateOne(size: number, contentDir: string, newestFile: string): string {
  const text = readFileSync(join(contentDir, newestFile), 'utf8');
  const donors = donorsOf(sources());
  const name = `new-${size}${newestFile.slice(newestFile.lastIndexOf('.'))}`;
  writeFileSync(join(contentDir, 'articles', name), vary(perturb(shiftDates(text, 1), 1, size + 1, donors), size + 1));
  return name;
}

export function generate(size: number, outDir: string): string {
  const base = sources();
  const donors = donorsOf(base);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'articles'), { recursive: true });
  for (const file of ['events.yaml', 'sources.yaml', 'site.yaml']) cpSync(join('content', file), join(outDir, file));
  for (let i = 0; i < size; i++) {
    const source = base[i % base.length]!;
    const round = Math.floor(i / base.length);
    // Spread over about six years, deterministically.
    const days = ((i * 37) % 2190) - 1095;
    let text = vary(perturb(shiftDates(source.text, days), round, i, donors), i);
    if (i % 10 === 9) {
      // A reprint: the body of another file of the same round under this one's header.
      const other = perturb(base[(i * 7) % base.length]!.text, round, i - 9, donors);
      const keep = bodyOf(text);
      if (keep > 0) text = text.slice(0, keep) + other.slice(bodyOf(other));
    }
    const ext = source.name.endsWith('.md') ? 'md' : 'txt';
    writeFileSync(join(outDir, 'articles', `${String(i).padStart(6, '0')}.${ext}`), text);
  }
  return outDir;
}
