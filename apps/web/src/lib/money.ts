import { formatMoney, formatMoneyIndian, type Paise } from '@tradeloop/domain';

/** The API's money form: a signed decimal string with exactly two places ("-1500.00"). */
const API_MONEY = /^(-?)(\d+)\.(\d{2})$/;

/**
 * Reads an amount the API sent into bigint paise, never through a float. Throws on anything
 * that is not the API's decimal form: a malformed balance must not render as a plausible number.
 */
export function toPaise(amount: string): Paise {
  const m = API_MONEY.exec(amount);
  if (!m) throw new Error(`Not a money amount: ${amount}`);
  const [, sign, whole, frac] = m;
  const paise = BigInt(whole!) * 100n + BigInt(frac!);
  return sign ? -paise : paise;
}

/** "₹1,00,000.00", "-₹250.00": Indian grouping with the rupee sign. */
export function formatInr(value: Paise | string): string {
  const paise = typeof value === 'string' ? toPaise(value) : value;
  return paise < 0n ? `-₹${formatMoneyIndian(-paise)}` : `₹${formatMoneyIndian(paise)}`;
}

/** "+₹1,500.00" / "-₹1,500.00" (zero unsigned) for ledger movements. */
export function formatSignedInr(value: Paise | string): string {
  const paise = typeof value === 'string' ? toPaise(value) : value;
  return paise > 0n ? `+${formatInr(paise)}` : formatInr(paise);
}

export const sumPaise = (amounts: readonly string[]): Paise => amounts.reduce((sum, a) => sum + toPaise(a), 0n);

/** Back to the API's decimal-string form, e.g. for a computed balance shown in a title. */
export const toDecimalString = (paise: Paise): string => formatMoney(paise);
