import { DomainError } from '../errors';

export const PASSWORD_MIN_LENGTH = 10;
/**
 * Upper bound keeps argon2 hashing cost bounded: an attacker must not be able to make the
 * server hash megabytes per request.
 */
export const PASSWORD_MAX_LENGTH = 256;

/** Returns the reasons a password is unacceptable; empty when it is fine. */
export function passwordProblems(password: string, email?: string): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters`);
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase()) {
    problems.push('must not be the email address');
  }
  if (length >= PASSWORD_MIN_LENGTH && new Set(password).size < 3) {
    problems.push('must use at least 3 different characters');
  }
  return problems;
}

/** Throws VALIDATION_FAILED naming `field` (the request's name for the password) with every problem. */
export function assertAcceptablePassword(password: string, email?: string, field = 'password'): void {
  const problems = passwordProblems(password, email);
  if (problems.length > 0) {
    throw new DomainError('VALIDATION_FAILED', 'Password is not acceptable', {
      fieldErrors: problems.map((message) => ({ field, message })),
    });
  }
}
