import { isApiError } from '../../lib/api';
import { loginErrorMessage } from './login-errors';

/**
 * How a form shows a failed request: the server's field errors under the fields they name, and
 * anything else (rate limits, conflicts, outages) as one sentence in a banner.
 */
export function formProblem(error: unknown, fields: readonly string[]) {
  const problem = isApiError(error) ? error : null;
  const placed = problem?.fieldErrors.some((e) => fields.includes(e.field)) ?? false;
  return {
    messagesFor: (field: string): string[] => problem?.messagesFor(field) ?? [],
    banner: error && !placed ? loginErrorMessage(error) : null,
  };
}
