import type { Paise } from '@tradeloop/domain';
import { formatInr, formatSignedInr, toPaise } from '../lib/money';

interface MoneyProps {
  value: Paise | string;
  /** Show a leading + and colour by sign: for movements, not balances. */
  signed?: boolean;
  className?: string;
  testId?: string;
}

/** An INR amount, exact (bigint paise), right-aligned digits in the mono face. */
export function Money({ value, signed = false, className, testId }: MoneyProps) {
  const paise = typeof value === 'string' ? toPaise(value) : value;
  const tone = signed ? (paise > 0n ? ' money-positive' : paise < 0n ? ' money-negative' : '') : '';
  return (
    <span className={`money mono${tone}${className ? ` ${className}` : ''}`} data-testid={testId}>
      {signed ? formatSignedInr(paise) : formatInr(paise)}
    </span>
  );
}
