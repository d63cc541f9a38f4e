import { z } from 'zod';

/**
 * The years a date filter may name: what Postgres stores (it has no year 0, and a year written
 * with more than four digits is not ISO 8601's basic form). Outside them a filter is a 400
 * naming the field, never a database error (docs/api.md "Conventions").
 */
const MIN_YEAR = 1;
const MAX_YEAR = 9999;
const yearOf = (iso: string) => Number(iso.slice(0, 4));
const inRange = (iso: string) => yearOf(iso) >= MIN_YEAR && yearOf(iso) <= MAX_YEAR;
const RANGE_MESSAGE = `must be in the years ${String(MIN_YEAR).padStart(4, '0')}–${MAX_YEAR}`;

/** An instant given as input (a `from` / `to` filter): ISO 8601 date-time in UTC, in a year Postgres can hold. */
export const InstantInputSchema = z.iso.datetime().refine(inRange, { message: RANGE_MESSAGE });
