import { passwordProblems } from '@tradeloop/domain';
import { newTemporaryPassword, TEMPORARY_PASSWORD_ALPHABET } from './temporary-password';

describe('temporary passwords', () => {
  it('are four groups of four unambiguous symbols that pass the password policy', () => {
    for (let i = 0; i < 200; i += 1) {
      const password = newTemporaryPassword();
      expect(password).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      for (const c of password.replaceAll('-', '')) expect(TEMPORARY_PASSWORD_ALPHABET).toContain(c);
      expect(passwordProblems(password)).toEqual([]);
    }
  });

  it('never repeat in practice (random, not derived from anything)', () => {
    const seen = new Set(Array.from({ length: 1000 }, newTemporaryPassword));
    expect(seen.size).toBe(1000);
  });

  it('leave out the look-alikes 0, O, 1, I and L', () => {
    for (const c of '01OIL') expect(TEMPORARY_PASSWORD_ALPHABET).not.toContain(c);
  });
});
