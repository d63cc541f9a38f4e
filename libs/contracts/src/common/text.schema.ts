import { z } from 'zod';

// Control characters (other than none) have no business in names or references: they break
// logs, CSV exports and terminals. Everything else, including `<script>` or SQL, is stored as
// data and escaped on output.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** A short human-entered text: trimmed, 1..max chars, no control characters. */
export const humanText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL_CHARS.test(s), { message: 'must not contain control characters' });

/** Emails are compared case-insensitively, so they are stored lower-cased. */
export const EmailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be a valid email address' }))
  .transform((s) => s.toLowerCase());
