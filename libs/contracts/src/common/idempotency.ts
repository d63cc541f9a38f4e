/** Header that makes money-moving and order-creating POSTs safe to retry (docs/api.md "Conventions", Idempotency). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,128}$/;
