/**
 * Checks a normalized article against the article schema (src/schema/article.ts).
 *
 * The check on the ingest's path is the schema's JSON Schema compiled ahead of time by Ajv
 * (src/schema/article-validator.generated.js, see scripts/article-validator.ts): it reads the
 * value in place, where zod's parse copies every object, which cost ~5–7 % of each file's
 * time. zod stays the judge: a value the compiled check refuses is parsed by zod, which
 * gives the message, and which accepts what a JSON Schema cannot say as zod does (a case-
 * insensitive pattern loses its flag in JSON Schema, so the compiled check is the stricter
 * of the two there). tests/article-validator.test.ts holds the two to the rule that the
 * compiled check never accepts what zod refuses.
 */
import { validate } from './article-validator.generated.js';
import { ArticleSchema, type Article } from './article.ts';

export type ArticleCheck = { ok: true; article: Article } | { ok: false; path: string; message: string };

export function checkArticle(candidate: unknown): ArticleCheck {
  if (validate(candidate)) return { ok: true, article: candidate as Article };
  const parsed = ArticleSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, article: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false, path: issue.path.join('.'), message: issue.message };
}
