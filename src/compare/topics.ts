/**
 * Topics from the curated vocabulary (content/topics.yaml): an article gets a topic when one
 * of its own tags or categories is mapped to it, or when the topic's terms occur often
 * enough in its title and text (a title hit counts double), so that a passing mention does
 * not tag it. Text and terms are folded to Simplified first, so both spellings match.
 */
import { toSimplified } from '../ingest/text/simplify.ts';
import type { Topic } from '../schema/content.ts';

const fold = (s: string): string => toSimplified(s).toLowerCase();

function occurrences(text: string, term: string): number {
  let n = 0;
  for (let i = text.indexOf(term); i >= 0; i = text.indexOf(term, i + term.length)) n++;
  return n;
}

export interface TopicMatcher {
  /** `foldedText`, when given, is `foldText(article.text)` computed ahead (see cache.ts). */
  (article: { title: string; text: string; tags: string[]; categories: string[] }, foldedText?: string): string[];
}

/** The text as the topic terms are matched against it: Simplified, lower case. */
export const foldText = fold;

export function topicMatcher(topics: Topic[]): TopicMatcher {
  const prepared = topics.map((t) => {
    const terms = [...new Set(t.terms.map(fold))];
    return {
      id: t.id,
      min: t.min,
      tags: new Set([...t.tags, ...t.terms].map(fold)),
      // A longer term holding a shorter one (台湾海峡, 台湾) is counted through the shorter.
      terms: terms.filter((term) => !terms.some((o) => o !== term && term.includes(o))),
    };
  });
  return (article, foldedText) => {
    const title = fold(article.title);
    const text = foldedText ?? fold(article.text);
    const own = [...article.tags, ...article.categories].map(fold);
    return prepared
      .filter((t) => {
        if (own.some((tag) => t.tags.has(tag))) return true;
        let score = 0;
        for (const term of t.terms) {
          score += occurrences(text, term) + 2 * occurrences(title, term);
          if (score >= t.min) return true;
        }
        return false;
      })
      .map((t) => t.id);
  };
}
