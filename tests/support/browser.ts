/**
 * Browser test support: find Chromium, serve a built site on 127.0.0.1 under its path
 * prefix, and keep every request inside the machine.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runBuild, type BuildOptions } from '../../src/site/build.ts';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

export function chromePath(): string {
  const fromEnv = process.env['CHROME_PATH'];
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      "No Chromium found: set CHROME_PATH or install Debian's chromium (apt-get install -y chromium); .ci/run does this.",
    );
  }
  return found;
}

export const CHROME_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Serves `root` at `prefix` on 127.0.0.1, the way GitHub Pages does (dir → index.html, 404.html). */
export async function serveSite(root: string, prefix: string): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split(/[?#]/)[0]!);
    let file: string | null = null;
    if (path.startsWith(prefix)) {
      const local = normalize(join(root, path.slice(prefix.length)));
      if (local.startsWith(root)) {
        const candidate = existsSync(local) && statSync(local).isDirectory() ? join(local, 'index.html') : local;
        if (existsSync(candidate) && statSync(candidate).isFile()) file = candidate;
      }
    }
    if (!file) {
      res.writeHead(404, { 'content-type': TYPES['.html']! });
      res.end(readFileSync(join(root, '404.html')));
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, server };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The WCAG 2.2 A/AA and best-practice violations axe-core finds on the page, one line each. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the debugger protocol, which the page's CSP does not govern.
  await page.evaluate(axeSource);
  const result = (await page.evaluate(() =>
    (globalThis as unknown as { axe: { run: (o: unknown) => Promise<unknown> } }).axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    }),
  )) as { violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> };
  return result.violations.map((v) => `${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export interface BuiltSite {
  /** The temporary folder holding `site/` and `archive/`. */
  root: string;
  origin: string;
  browser: Browser;
  close: () => Promise<void>;
}

/** Builds `contentDir` under `prefix` into a temporary folder, serves it and starts Chromium. */
export async function startSite(
  contentDir: string,
  prefix: string,
  extra: Pick<BuildOptions, 'searchShardMin'> = {},
): Promise<BuiltSite> {
  // Looked for first: a missing browser found after the server started left the server
  // open, and the test process waited on it for ever.
  const executablePath = chromePath();
  const root = mkdtempSync(join(tmpdir(), 'site-'));
  await runBuild({
    contentDir,
    outDir: join(root, 'site'),
    archiveDir: join(root, 'archive'),
    pathPrefix: prefix,
    jobs: 1,
    ...extra,
  });
  const { origin, server } = await serveSite(join(root, 'site'), prefix);
  const browser = await chromium.launch({ executablePath, args: CHROME_ARGS }).catch((err: unknown) => {
    server.close();
    throw err;
  });
  return {
    root,
    origin,
    browser,
    close: async () => {
      await browser.close();
      server.close();
    },
  };
}
