// The search page: Pagefind's JavaScript API with our own interface (Chinese labels, a
// live region, filters as real checkboxes, results as a list, the query, order and filters kept
// in the URL so a search can be shared). The only script on the site, with the words of the
// index it shares with the indexer (src/search/tokens.js).
import { MARK, contentText, find, hanWords, markOf, wordsToText } from './search-tokens.js';

const form = document.getElementById('search-form');
const input = document.getElementById('q');
const ui = document.getElementById('search-ui');
const filtersBox = document.getElementById('search-filters');
const status = document.getElementById('search-status');
const list = document.getElementById('search-results');
const more = document.getElementById('search-more');
const sortBox = document.getElementById('search-sort');

/** Where the index is: one, merged at build time from the shards Pagefind built (src/search/merge.ts). */
const BASE = new URL('./pagefind/', import.meta.url);
const FILTER_LABELS = { outlet: '媒体 Outlet', year: '年份 Year', event: '会晤 Event' };
const PAGE = 10;
/**
 * Up to this many results, each is checked against the query before it is listed (see
 * `verified`); past it, Pagefind's answer is listed as it is.
 */
const VERIFY_UP_TO = 50;
/** The index's language (src/search/shard-worker.js): no stemmer, no segmenter. */
const INDEX_LANGUAGE = 'und';
/** Index words in an excerpt (one Han character each, shown): about 60 characters. */
const EXCERPT_WORDS = 60;
/** The orders a reader can pick besides relevance, on the index's `date` sort (the instant). */
const SORTS = { newest: { date: 'desc' }, oldest: { date: 'asc' } };

let pagefind;
/** An archive without articles has no index: every search finds nothing. */
const EMPTY_INDEX = { search: async () => ({ results: [], filters: {} }) };
let results = [];
let shown = 0;
/** The query's Han pairs (tokens.js searchQueries), for the excerpts' highlights. */
let pairs = new Set();

/**
 * Traditional → Simplified folding of the query, with the table src/search/fold.ts writes
 * in blocks of 256 code points: only the blocks of the query's characters are fetched.
 */
const fold = {};
let foldBlocks = new Set();
const foldFetches = new Map();

function loadFold(query) {
  const wanted = new Set(Array.from(query, (ch) => (ch.codePointAt(0) >> 8).toString(16)));
  const fetches = [...wanted]
    .filter((name) => foldBlocks.has(name))
    .map((name) => {
      let fetching = foldFetches.get(name);
      if (!fetching) {
        // A block that fails to load leaves its characters unfolded this time, not the search broken.
        fetching = fetch(new URL(`fold/${name}.json`, BASE))
          .then((response) => (response.ok ? response.json() : {}))
          .then(
            (block) => Object.assign(fold, block),
            () => foldFetches.delete(name),
          );
        foldFetches.set(name, fetching);
      }
      return fetching;
    });
  return Promise.all(fetches);
}

async function foldQuery(query) {
  await loadFold(query);
  let out = '';
  for (const ch of query) out += fold[ch] ?? ch;
  return out;
}

function selectedFilters() {
  const selected = {};
  for (const box of filtersBox.querySelectorAll('input[type=checkbox]:checked')) {
    (selected[box.name] ??= []).push(box.value);
  }
  return selected;
}

function writeUrl(query, filters) {
  const params = new URLSearchParams();
  if (query) params.set('q', query);
  if (SORTS[sortBox.value]) params.set('sort', sortBox.value);
  for (const [name, values] of Object.entries(filters)) for (const v of values) params.append(name, v);
  const search = params.toString();
  history.replaceState(null, '', search ? `?${search}` : location.pathname);
}

/**
 * Pagefind's excerpt is a run of index words (tokens.js), with <mark> around those that
 * matched: shown as the text they were cut from, with what matched highlighted (a word
 * found by a lone character of the query, by its first character only).
 */
function excerptNode(html, pairs) {
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, 'text/html');
  const words = [];
  const marks = [];
  for (const node of doc.body.firstChild.childNodes) {
    const marked = node.nodeName === 'MARK';
    for (const word of node.textContent.split(/\s+/).filter(Boolean)) {
      words.push(word);
      marks.push(marked ? markOf(word, pairs) : MARK.NONE);
    }
  }
  const p = document.createElement('p');
  p.className = 'excerpt';
  for (const piece of wordsToText(words, marks)) {
    if (piece.marked) {
      const mark = document.createElement('mark');
      mark.textContent = piece.text;
      p.append(mark);
    } else {
      p.append(document.createTextNode(piece.text));
    }
  }
  return p;
}

async function renderMore() {
  const batch = await Promise.all(results.slice(shown, shown + PAGE).map((r) => r.data()));
  for (const data of batch) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = data.url;
    a.textContent = data.meta.title;
    const h = document.createElement('h2');
    h.append(a);
    const meta = document.createElement('p');
    meta.className = 'meta';
    meta.textContent = `${data.meta.outlet ?? ''} · ${data.meta.date ?? ''}`;
    li.append(h, meta, excerptNode(data.excerpt, pairs));
    list.append(li);
  }
  shown += batch.length;
  more.classList.toggle('is-hidden', shown >= results.length);
}

async function renderFilters(available, selected) {
  filtersBox.replaceChildren();
  for (const [name, label] of Object.entries(FILTER_LABELS)) {
    const values = Object.entries(available[name] ?? {}).filter(([, n]) => n > 0 || selected[name]?.length);
    if (values.length === 0) continue;
    const fieldset = document.createElement('fieldset');
    const legend = document.createElement('legend');
    legend.textContent = label;
    fieldset.append(legend);
    values.sort(([a], [b]) => (name === 'year' ? b.localeCompare(a) : a.localeCompare(b, 'zh')));
    for (const [value, count] of values) {
      const id = `f-${name}-${value}`.replace(/\s+/g, '-');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.name = name;
      box.value = value;
      box.id = id;
      box.checked = selected[name]?.includes(value) ?? false;
      box.addEventListener('change', () => run());
      const lab = document.createElement('label');
      lab.htmlFor = id;
      lab.textContent = `${value}（${count}）`;
      const row = document.createElement('div');
      row.append(box, lab);
      fieldset.append(row);
    }
    filtersBox.append(fieldset);
  }
}

/**
 * A query of one Han run is matched exactly (tokens.js), but words typed apart are each
 * looked up alone: `习拜 拜会` lists a page that holds `习拜` and `拜会` in different places,
 * and a longer run typed with other words (`芬太尼 关税`) is looked up by its pairs, each
 * anywhere. So a short list is checked: a result stays when its headline or text holds
 * each Chinese word of the (folded) query as written, and the filter counts are those of
 * the results that stay. The first page of results is checked first (its fragments are
 * loaded to be shown anyway); only when one of them fails is the rest of the list loaded
 * and checked, at ~2–10 KB a result.
 */
async function verified(search, term) {
  const words = hanWords(term.toLowerCase());
  const asListed = { results: search.results, filters: search.filters ?? {} };
  if (words.length === 0 || search.results.length === 0 || search.results.length > VERIFY_UP_TO) return asListed;
  const holds = ({ meta, content }) => {
    const text = `${meta.title ?? ''}\n${contentText(content)}`.toLowerCase();
    return words.every((word) => text.includes(word));
  };
  const first = await Promise.all(search.results.slice(0, PAGE).map((result) => result.data()));
  if (first.every(holds)) return asListed;
  const data = [...first, ...(await Promise.all(search.results.slice(PAGE).map((result) => result.data())))];
  const results = [];
  const filters = {};
  search.results.forEach((result, i) => {
    if (!holds(data[i])) return;
    results.push(result);
    for (const [name, values] of Object.entries(data[i].filters ?? {})) {
      filters[name] ??= {};
      for (const value of values) filters[name][value] = (filters[name][value] ?? 0) + 1;
    }
  });
  return { results, filters };
}

async function run(initialFilters) {
  const query = input.value.trim();
  const filters = initialFilters ?? selectedFilters();
  writeUrl(query, filters);
  list.replaceChildren();
  status.textContent = '';
  shown = 0;
  if (!query) {
    results = [];
    more.classList.add('is-hidden');
    status.textContent = '请输入关键词。';
    await renderFilters({}, {});
    return;
  }
  const sort = SORTS[sortBox.value];
  const term = await foldQuery(query);
  const answer = await find(pagefind, term, { filters, ...(sort ? { sort } : {}) });
  pairs = answer.pairs;
  const search = await verified(answer, term);
  results = search.results;
  await renderFilters(search.filters, filters);
  await renderMore();
  // Announced once the results are on the page.
  status.textContent =
    results.length === 0 ? `没有找到与“${query}”相关的文章。` : `找到 ${results.length} 篇与“${query}”相关的文章。`;
}

async function start() {
  const archive = await (await fetch(new URL('archive.json', BASE))).json();
  foldBlocks = new Set(archive.fold ?? []);
  const params = new URLSearchParams(location.search);
  // Fetched while Pagefind loads.
  void loadFold(params.get('q') ?? '');
  const { articles } = archive;
  if (articles === 0) pagefind = EMPTY_INDEX;
  else {
    pagefind = await import(new URL('pagefind.js', BASE).href);
    await pagefind.options({ excerptLength: EXCERPT_WORDS });
    // Pagefind takes its language from the page's <html lang>, when it first starts, and
    // cuts a query in a Chinese language with the browser's segmenter, which would cut the
    // index's pairs apart again. So it is started with the index's language: the page's
    // own is set back in the same task, before anything can read or render it.
    const html = document.documentElement;
    const lang = html.getAttribute('lang');
    html.setAttribute('lang', INDEX_LANGUAGE);
    const started = pagefind.init();
    html.setAttribute('lang', lang);
    await started;
    // Loads the filter index; without it a search reports no filter counts.
    await pagefind.filters();
  }
  ui.classList.remove('is-hidden');
  input.value = params.get('q') ?? '';
  sortBox.value = SORTS[params.get('sort')] ? params.get('sort') : '';
  const filters = {};
  for (const name of Object.keys(FILTER_LABELS)) {
    const values = params.getAll(name);
    if (values.length) filters[name] = values;
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run({});
  });
  more.addEventListener('click', () => renderMore());
  sortBox.addEventListener('change', () => run());
  await run(filters);
}

start().catch((error) => {
  ui.classList.remove('is-hidden');
  status.textContent = `搜索暂时无法使用：${error.message}`;
});
