import { randomInt } from 'node:crypto';
import { passwordProblems } from '@tradeloop/domain';

/** Letters and digits that cannot be mistaken for one another when read aloud or retyped (no 0/O, 1/I/L). */
export const TEMPORARY_PASSWORD_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const GROUPS = 4;
const GROUP_LENGTH = 4;

/**
 * A password an admin hands to a user once (a new account, a reset): 16 characters drawn
 * uniformly (crypto.randomInt, no modulo bias) from 31 symbols — about 79 bits — grouped as
 * `XXXX-XXXX-XXXX-XXXX` so it can be read out and typed. It passes the registration policy like
 * any password; the user replaces it at their next sign-in.
 */
export function newTemporaryPassword(): string {
  for (;;) {
    const groups = Array.from({ length: GROUPS }, () =>
      Array.from({ length: GROUP_LENGTH }, () => TEMPORARY_PASSWORD_ALPHABET[randomInt(TEMPORARY_PASSWORD_ALPHABET.length)]).join(''),
    );
    const password = groups.join('-');
    // Fewer than 3 different characters in 16 draws is ~1e-19 likely; the policy is checked anyway.
    if (passwordProblems(password).length === 0) return password;
  }
}
