import { DomainError } from '@tradeloop/domain';

/** The DomainError a promise rejects with; fails the test if it resolves or throws anything else. */
export async function refusal(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError refusal, but the call succeeded');
}

/** The fields a refusal names. */
export const fieldsOf = (err: DomainError): string[] => (err.options.fieldErrors ?? []).map((f) => f.field);
