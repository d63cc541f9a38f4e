import { describeError, isApiError } from '../../lib/api-error';

/** A field path and the ones inside it: "symbols" covers "symbols.2"; "a.allowedSymbols" covers "a.allowedSymbols[0]". */
export const isUnder = (field: string, path: string): boolean =>
  field === path || field.startsWith(`${path}.`) || field.startsWith(`${path}[`);

/** "symbols.2" under "symbols" → "item 3: …"; deeper names as they are. */
function label(field: string, path: string, message: string): string {
  if (field === path) return message;
  const rest = field.slice(path.length).replace(/^[.[]/, '').replace(/]$/, '');
  return /^\d+$/.test(rest) ? `item ${Number(rest) + 1}: ${message}` : `${rest}: ${message}`;
}

/**
 * How the webhook and engine forms show a refusal: each field's errors, and those of the items
 * inside it (a list's "symbols.2"), under its input — unless a more specific field of the form
 * claims them; a refusal no field claims as one banner sentence.
 */
export function fieldProblem(error: unknown, fields: readonly string[]) {
  const list = isApiError(error) ? error.fieldErrors : [];
  const owner = (field: string): string | null =>
    fields.filter((p) => isUnder(field, p)).reduce<string | null>((best, p) => (best === null || p.length > best.length ? p : best), null);
  return {
    messagesFor: (path: string): string[] => list.filter((e) => owner(e.field) === path).map((e) => label(e.field, path, e.message)),
    /** The refusal's sentence with the field errors no input shows; null when every one is under its input. */
    banner: !error
      ? null
      : list.length > 0 && list.every((e) => owner(e.field) !== null)
        ? null
        : [describeError(error), ...list.filter((e) => owner(e.field) === null).map((e) => `${e.field || 'body'}: ${e.message}`)].join(
            ' — ',
          ),
  };
}
