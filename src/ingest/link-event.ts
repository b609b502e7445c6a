/**
 * Links an article to the summit event (content/events.yaml) it covers, from its date and
 * its text: the event must be close in time (3 days before to 7 after), and one sentence of
 * the article (or its title) must name both sides of the meeting (the two leaders, or
 * 中美元首/两国元首; the two ministers, or 中美外长, for a ministerial contact) together
 * with a word for that meeting (its kind, place or format). The event's own words break
 * ties. An article that meets no event stays unlinked rather than being forced into one.
 */
import type { SummitEvent } from '../schema/content.ts';

export interface EventLink {
  event: string;
  confidence: number;
  reason: string;
}

/** Chinese names of the participants named in events.yaml (in English there). */
const NAMES: Record<string, string[]> = {
  'Xi Jinping': ['习近平', '習近平', '习主席'],
  'Joe Biden': ['拜登'],
  'Donald Trump': ['特朗普', '川普'],
  'Wang Yi': ['王毅'],
  'Antony Blinken': ['布林肯', '布林肯'],
  'Yang Jiechi': ['杨洁篪', '楊潔篪'],
  'Jake Sullivan': ['沙利文', '蘇利文'],
  'Marco Rubio': ['鲁比奥', '盧比歐'],
};

const KIND_WORDS: Record<SummitEvent['kind'], string[]> = {
  'in-person-meeting': ['会晤', '会面', '峰会', '会谈', '面对面'],
  'virtual-meeting': ['视频会晤', '视频峰会', '线上峰会', '云会晤'],
  'video-call': ['视频通话'],
  'phone-call': ['通电话', '通话', '电话'],
  'ministerial-meeting': ['会谈', '会晤', '会面', '对话'],
  'ministerial-call': ['通电话', '通话', '电话'],
};

const LEADERS_AS_PAIR = /中美元首|两国元首|兩國元首|美中元首|习拜|習拜|拜习|元首会晤|元首通话/;

const DAY = 86_400_000;

const MINISTERS_AS_PAIR = /中美外长|中美外長|两国外长|兩國外長|美中外长|美中外長/;

function mentions(text: string, participant: string): boolean {
  return (NAMES[participant] ?? [participant]).some((n) => text.includes(n));
}

function count(text: string, word: string): number {
  let n = 0;
  for (let i = text.indexOf(word); i >= 0 && n < 5; i = text.indexOf(word, i + word.length)) n++;
  return n;
}

/** Sentences (and the title), the unit in which both sides and the meeting must meet. */
function sentences(title: string, text: string): string[] {
  return [title, ...text.split(/(?<=[。！？!?；])|\n+/)].filter((s) => s.trim() !== '');
}

/** The words of an event that are not just the participants' names (特朗普, 王毅). */
function eventWords(event: SummitEvent): string[] {
  const names = event.participants.flatMap((p) => NAMES[p] ?? [p]);
  return event.keywords.filter((k) => !names.some((n) => n.includes(k) || k.includes(n)));
}

/** An event's own words, and those with the words for its kind of meeting. */
interface EventTerms {
  words: string[];
  meetingWords: string[];
}

// Made once per event, not once per article and event.
const termsOf = new WeakMap<SummitEvent, EventTerms>();

function eventTerms(event: SummitEvent): EventTerms {
  let terms = termsOf.get(event);
  if (!terms) {
    const words = eventWords(event);
    terms = { words, meetingWords: [...new Set([...words, ...KIND_WORDS[event.kind]])] };
    termsOf.set(event, terms);
  }
  return terms;
}

/** Does this sentence name both sides of the event? */
function bothSidesIn(sentence: string, event: SummitEvent): boolean {
  const ministerial = event.kind.startsWith('ministerial');
  const named = event.participants.filter((p) => mentions(sentence, p)).length;
  if (named >= 2) return true;
  return ministerial ? MINISTERS_AS_PAIR.test(sentence) : LEADERS_AS_PAIR.test(sentence);
}

/** The Beijing calendar day of an instant, as a UTC midnight timestamp. */
function beijingDay(iso: string): number {
  const d = new Date(Date.parse(iso) + 8 * 3600 * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

export function linkEvent(
  article: { published: string; title: string; text: string },
  events: SummitEvent[],
): EventLink | null {
  const day = beijingDay(article.published);
  // 将会面临 (will face) is no 会面 (meeting).
  const unmeet = (s: string): string => s.replace(/会面(?=临)|會面(?=臨)/g, '会_');
  const title = unmeet(article.title);
  const body = unmeet(article.text);
  const text = `${title}\n${body}`;
  let best: (EventLink & { score: number }) | null = null;
  // Split once, for all the events near the article's day.
  let split: string[] | undefined;
  for (const event of events) {
    const eventDay = Date.parse(`${event.date}T00:00:00Z`);
    const offset = Math.round((day - eventDay) / DAY);
    // Previews a few days before, reports and analysis up to a week after.
    if (offset < -3 || offset > 7) continue;
    const ministerial = event.kind.startsWith('ministerial');
    const { words, meetingWords } = eventTerms(event);
    // The article must report the meeting itself: in one sentence (or the title), both
    // sides named and a word for this meeting (its kind, place or format). Naming the two
    // leaders in passing near the date is not enough.
    split ??= sentences(title, body);
    const reporting = split.filter((s) => bothSidesIn(s, event) && meetingWords.some((w) => s.includes(w)));
    if (reporting.length === 0) continue;
    const named = event.participants.filter((p) => mentions(text, p));
    const keywords = words.filter((k) => text.includes(k));
    const kindWords = KIND_WORDS[event.kind].filter((w) => text.includes(w));
    const inTitle = meetingWords.filter((w) => title.includes(w)).length;
    const score =
      named.length * 2 +
      keywords.reduce((n, k) => n + count(text, k), 0) +
      kindWords.length +
      inTitle * 2 +
      Math.min(reporting.length, 5) +
      (offset >= 0 && offset <= 1 ? 3 : offset >= -1 && offset <= 3 ? 1 : 0) +
      (ministerial ? 0 : 1);
    if (!best || score > best.score) {
      const confidence = Math.min(0.99, 0.3 + score / 25);
      const reason =
        `${offset === 0 ? 'same day as' : offset > 0 ? `${offset} day(s) after` : `${-offset} day(s) before`} ${event.id}; ` +
        `names ${named.join(', ') || (ministerial ? 'both ministers' : 'both leaders')}` +
        `; ${reporting.length} sentence(s) report the meeting` +
        (keywords.length ? `; mentions ${keywords.join('、')}` : '') +
        (kindWords.length ? `; ${kindWords.join('、')}` : '');
      best = { event: event.id, confidence: Math.round(confidence * 100) / 100, reason, score };
    }
  }
  if (!best) return null;
  const { score: _score, ...link } = best;
  return link;
}
