import { z } from 'zod';

// Control characters have no business in names or references: they break logs, CSV exports
// and terminals. Everything else, including `<script>` or SQL, is stored as data and escaped on
// output. (NUL and lone surrogates are refused for every text before any schema: text-input.ts.)
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** A text of at most `max` characters as sent, trimmed, and not blank. */
export const trimmedText = (max: number) => z.string().max(max).trim().regex(/\S/, 'must not be blank');

/**
 * A short human-entered text: at most `max` characters as sent (so the documented maxLength is
 * what the server enforces), then trimmed, and not blank; no control characters.
 */
export const humanText = (max: number) =>
  trimmedText(max).refine((s) => !CONTROL_CHARS.test(s), { message: 'must not contain control characters' });

/** Emails are compared case-insensitively, so they are stored lower-cased. */
export const EmailSchema = z
  .string()
  .max(254)
  .trim()
  .pipe(z.email({ message: 'must be a valid email address' }))
  .transform((s) => s.toLowerCase());

/**
 * `T | null` for a response field, with what null means. A bare `z.string().nullable()` becomes
 * the JSON Schema type list `["string", "null"]`, which @nestjs/swagger misreads as an array of
 * strings in the OpenAPI document; with a description the branch stays its own schema
 * (`anyOf: [T, null]`). contracts.spec.ts refuses type lists anywhere in the contracts.
 */
export const orNull = <T extends z.ZodType>(schema: T, whenNull: string) => schema.meta({ description: `null: ${whenNull}` }).nullable();
