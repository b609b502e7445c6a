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

/** One more article, new to a corpus of `size` (the "+1 article" rebuild). */
export function generateOne(size: number, outDir: string): void {
  const base = sources();
  const source = base[size % base.length]!;
  writeFileSync(
    join(outDir, 'articles', `new-${size}.${source.name.endsWith('.md') ? 'md' : 'txt'}`),
    vary(source.text, size + 1),
  );
}

export function generate(size: number, outDir: string): string {
  const base = sources();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'articles'), { recursive: true });
  for (const file of ['events.yaml', 'sources.yaml', 'site.yaml']) cpSync(join('content', file), join(outDir, file));
  for (let i = 0; i < size; i++) {
    const source = base[i % base.length]!;
    // Spread over about six years, deterministically.
    const days = ((i * 37) % 2190) - 1095;
    let text = vary(shiftDates(source.text, days), i);
    if (i % 10 === 9) {
      // A reprint: another file's body under this one's header.
      const other = base[(i * 7) % base.length]!;
      const bodyOf = (t: string): number => Math.max(t.lastIndexOf('\n------\n') + 8, t.lastIndexOf('\n---\n') + 5, 0);
      const keep = bodyOf(text);
      if (keep > 0) text = text.slice(0, keep) + other.text.slice(bodyOf(other.text));
    }
    const ext = source.name.endsWith('.md') ? 'md' : 'txt';
    writeFileSync(join(outDir, 'articles', `${String(i).padStart(6, '0')}.${ext}`), text);
  }
  return outDir;
}
