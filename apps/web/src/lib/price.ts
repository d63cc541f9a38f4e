/** Prices and price changes as the API sends them: signed decimal strings, 2–4 decimals. */
const DECIMAL = /^(-?)(\d+)(?:\.(\d{1,4}))?$/;

/** "1420.05" → 14200500 (1/10000ths), "-12.3" → -123000; null if not a decimal string. */
export function priceTicks(value: string | null | undefined): number | null {
  const m = value ? DECIMAL.exec(value) : null;
  if (!m) return null;
  const ticks = Number(m[2]) * 10_000 + Number((m[3] ?? '').padEnd(4, '0'));
  return m[1] ? -ticks : ticks;
}

/** Indian digit grouping of the integer part, decimals kept exactly as sent: "124350.05" → "1,24,350.05". */
export function formatPrice(value: string | null | undefined): string {
  const m = value ? DECIMAL.exec(value) : null;
  if (!m) return '—';
  const [, sign, whole, frac] = m;
  const head = whole!.length > 3 ? whole!.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ',') + ',' + whole!.slice(-3) : whole!;
  return `${sign}${head}${frac !== undefined ? `.${frac}` : ''}`;
}

/** A change with its sign always shown: "+12.35", "-0.80", "0.00". */
export function formatChange(value: string | null | undefined): string {
  const ticks = priceTicks(value);
  if (ticks === null) return '—';
  return ticks > 0 ? `+${formatPrice(value)}` : formatPrice(value);
}

/**
 * Change against the previous close in percent, two decimals with the sign ("+1.25%"). The
 * previous close is `ltp - change` when the quote does not carry it.
 */
export function changePercent(ltp: string | null | undefined, change: string | null | undefined, prevClose?: string | null): string {
  const last = priceTicks(ltp);
  const delta = priceTicks(change);
  if (last === null || delta === null) return '—';
  const base = priceTicks(prevClose) ?? last - delta;
  if (base <= 0) return '—';
  const pct = (delta / base) * 100;
  const text = Math.abs(pct).toFixed(2);
  if (text === '0.00') return '0.00%';
  return `${pct > 0 ? '+' : '-'}${text}%`;
}

/** -1, 0 or 1 by the sign of a decimal string (0 when unreadable). */
export function direction(change: string | null | undefined): -1 | 0 | 1 {
  const ticks = priceTicks(change);
  return ticks === null || ticks === 0 ? 0 : ticks > 0 ? 1 : -1;
}

/** Volume with Indian grouping ("12,34,567"). */
export const formatVolume = (volume: number | null | undefined): string =>
  typeof volume === 'number' && Number.isFinite(volume) ? volume.toLocaleString('en-IN') : '—';

/** ask − bid, exactly, with two decimals (four when a sub-paisa tick needs them): "0.10"; "—" if either is unknown. */
export function formatSpread(bid: string | null | undefined, ask: string | null | undefined): string {
  const b = priceTicks(bid);
  const a = priceTicks(ask);
  if (b === null || a === null) return '—';
  const d = a - b;
  const abs = Math.abs(d);
  const frac = String(abs % 10_000).padStart(4, '0');
  return `${d < 0 ? '-' : ''}${Math.floor(abs / 10_000)}.${frac.endsWith('00') ? frac.slice(0, 2) : frac}`;
}
