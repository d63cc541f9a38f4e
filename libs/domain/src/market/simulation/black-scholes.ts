/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf; |error| < 1.5e-7, ample for quotes). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Standard normal density φ(x) = e^(−x²/2) / √(2π). */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/**
 * Black–Scholes price of a European option (index options on NSE are European). `years` is the
 * time to expiry; at or past expiry the price is the intrinsic value.
 */
export function blackScholes(kind: 'CE' | 'PE', spot: number, strike: number, years: number, vol: number, rate: number): number {
  if (years <= 0 || vol <= 0) return Math.max(0, kind === 'CE' ? spot - strike : strike - spot);
  const sd = vol * Math.sqrt(years);
  const d1 = (Math.log(spot / strike) + (rate + 0.5 * vol * vol) * years) / sd;
  const d2 = d1 - sd;
  const df = Math.exp(-rate * years);
  return kind === 'CE' ? spot * normalCdf(d1) - strike * df * normalCdf(d2) : strike * df * normalCdf(-d2) - spot * normalCdf(-d1);
}
