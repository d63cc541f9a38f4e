import { MlSignalParamsSchema, SmaCrossoverParamsSchema, type CreateStrategyRequest } from '@tradeloop/contracts';
import { DomainError, type FieldError } from '@tradeloop/domain';

/** The kind's own params, validated (400 naming `params.<field>`), with defaults filled in. */
export function strategyParams(kind: CreateStrategyRequest['kind'], params: unknown): Record<string, unknown> & { quantity: number } {
  const parsed = (kind === 'sma-crossover' ? SmaCrossoverParamsSchema : MlSignalParamsSchema).safeParse(params);
  if (!parsed.success) {
    const fieldErrors: FieldError[] = parsed.error.issues.map((i) => ({
      field: ['params', ...i.path.map(String)].join('.'),
      message: i.message,
    }));
    throw new DomainError('VALIDATION_FAILED', `Invalid ${kind} params: ${fieldErrors.map((f) => f.field).join(', ')}`, { fieldErrors });
  }
  return parsed.data;
}
