import { describeError, isApiError } from '../../lib/api';

/** The sentence the login form shows for a failed attempt. */
export function loginErrorMessage(error: unknown): string {
  if (isApiError(error) && error.code === 'RATE_LIMITED') {
    return error.retryAfterSeconds
      ? `Too many failed attempts. Try again in ${error.retryAfterSeconds} s.`
      : 'Too many failed attempts. Try again shortly.';
  }
  if (isApiError(error) && error.code === 'MFA_INVALID')
    return 'That code is invalid or was already used. Wait for the next code and try again.';
  return describeError(error);
}
