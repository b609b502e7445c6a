// Builds Pagefind bundles, as many as it can take from the job list, in this thread's own
// Pagefind service: one service indexes one thing at a time (measured: two indexes fed at
// once in one service take as long as one after the other), so each worker thread brings a
// core of its own.
// It makes the records' bodies itself, from the article files, so that it never waits for
// the main thread, which renders the pages meanwhile (a render step holds it for seconds).
// Plain JavaScript: it needs nothing from the TypeScript code, and so no loader.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { close, createIndex } from 'pagefind';
import { indexWords } from './tokens.js';

/** The fold table of src/search/fold.ts, applied as foldToSimplified applies it. */
const fold = workerData?.fold ?? {};

/**
 * Not `zh`: Pagefind would cut the words again with its own dictionary, and its search page
 * the query with the browser's (see tokens.js). `und` (undetermined) has no stemmer and
 * no segmenter; the search page asks for it by name (public/search.js).
 */
const INDEX_LANGUAGE = 'und';

function escapeHtml(value) {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function foldToSimplified(text) {
  let out = '';
  for (const ch of text) out += fold[ch] ?? ch;
  return out;
}

/** Text as the index's words (tokens.js), escaped for the record's HTML. */
function words(text) {
  return escapeHtml(indexWords(text));
}

/**
 * The record's HTML: its head (src/search/index.ts recordHead), the headline, then the
 * article's text, all as the index's words. The paragraphs (and headline) that folding to
 * Simplified changes are indexed folded too, at half weight, so that a query (folded by
 * the search page) finds them: a Traditional article's, and the Traditional passages of
 * an article the ingest read as Simplified (a quote, a mixed source: 170 articles of the
 * 10k bench corpus).
 */
function recordHtml({ head, title, file }) {
  const text = JSON.parse(readFileSync(file, 'utf8')).text;
  const paragraphs = text.split('\n\n');
  const folded = [title, ...paragraphs]
    .map(foldToSimplified)
    .filter((f, i) => f !== (i === 0 ? title : paragraphs[i - 1]));
  return (
    head +
    // The headline weighs the most there is: a reader who searches a name in a headline
    // wants that article first.
    `<h1 data-pagefind-weight="10">${words(title)}</h1>` +
    paragraphs.map((p) => `<p>${words(p)}</p>`).join('') +
    (folded.length > 0
      ? `<div data-pagefind-weight="0.5">${folded.map((f) => `<p>${words(f)}</p>`).join('')}</div>`
      : '') +
    `</main></body></html>`
  );
}

/** Indexes the shards of `workerData.jobs` whose turn it takes from the shared counter. */
async function run() {
  const { jobs, next } = workerData;
  for (let i = Atomics.add(next, 0, 1); i < jobs.length; i = Atomics.add(next, 0, 1)) {
    const { outputPath, records } = jobs[i];
    const { index, errors } = await createIndex({ forceLanguage: INDEX_LANGUAGE });
    if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
    for (const record of records) {
      const added = await index.addHTMLFile({ url: record.url, content: recordHtml(record) });
      if (added.errors.length > 0) throw new Error(`indexing ${record.url}: ${added.errors.join('; ')}`);
    }
    const written = await index.writeFiles({ outputPath });
    if (written.errors.length > 0) throw new Error(`writing ${outputPath}: ${written.errors.join('; ')}`);
    await index.deleteIndex();
  }
}

// Pagefind's service is closed before the answer: the main thread ends this thread on it,
// and a service left open would live on as long as the process.
run()
  .then(
    () => ({ ok: true }),
    (error) => ({ ok: false, message: error instanceof Error ? error.message : String(error) }),
  )
  .then(async (reply) => {
    await close();
    parentPort.postMessage(reply);
  });
