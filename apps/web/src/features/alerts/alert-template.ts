/*
 * What a webhook source's page hands the user to set up a sender (docs/alerts.md "Webhook sources",
 * docs/api.md "Webhooks"): TradingView's alert message, a signed curl example, a test alert body,
 * and the split's label. Pure: no browser APIs (signing is in sign-alert.ts).
 */

/** "A 70 % / B 30 %": the split is the percent of deliveries routed to engine A. */
export function splitLabel(split: number): string {
  const a = Math.round(Math.min(100, Math.max(0, split)) * 100) / 100;
  const b = Math.round((100 - a) * 100) / 100;
  return `A ${a} % / B ${b} %`;
}

/** The absolute URL a sender posts to: the API answers a path (`/api/v1/hooks/<id>`). */
export function absoluteHookUrl(url: string, origin: string): string {
  return /^https?:\/\//i.test(url) ? url : `${origin.replace(/\/$/, '')}${url.startsWith('/') ? '' : '/'}${url}`;
}

/**
 * TradingView's alert message for a strategy: the body the intake accepts (libs/domain/src/alerts/payload.ts)
 * with TradingView's placeholders, substituted by TradingView when the alert fires. TradingView
 * cannot sign, so the body carries the source's passphrase (the weaker passphrase mode).
 * No `market_position` (it would disagree with the action when a strategy closes) and no
 * `alert_id` (TradingView's order ids repeat, and a repeated alert_id is a duplicate for ever).
 */
export function tradingViewTemplate(options: { strategy: string; passphrase: string | null }): string {
  const body: Record<string, string> = {
    ticker: '{{ticker}}',
    action: '{{strategy.order.action}}',
    contracts: '{{strategy.order.contracts}}',
    price: '{{close}}',
    strategy: options.strategy,
    interval: '{{interval}}',
    time: '{{time}}',
    timenow: '{{timenow}}',
    passphrase: options.passphrase ?? '<your passphrase>',
  };
  return JSON.stringify(body, null, 2);
}

/** A plain alert in our own schema (a test delivery's default body). */
export function sampleAlert(options: {
  symbol: string;
  action: 'buy' | 'sell';
  quantity: number;
  strategy?: string;
  alertId?: string;
}): string {
  const body: Record<string, unknown> = { symbol: options.symbol, action: options.action, quantity: options.quantity };
  if (options.strategy) body['strategy'] = options.strategy;
  if (options.alertId) body['alert_id'] = options.alertId;
  return JSON.stringify(body);
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A signed request with curl and openssl: `X-Tradeloop-Signature: sha256=<hex HMAC-SHA256(secret,
 * timestamp + "." + body)>` over the exact bytes sent, with `X-Tradeloop-Timestamp` (unix seconds).
 * The secret is read from $TRADELOOP_SECRET, never written into the example.
 */
export function signedCurlExample(url: string, body: string): string {
  return [
    `BODY=${shellQuote(body)}`,
    'TS=$(date +%s)',
    `SIG=$(printf '%s.%s' "$TS" "$BODY" | openssl dgst -sha256 -hmac "$TRADELOOP_SECRET" -hex | sed 's/^.* //')`,
    `curl -sS -X POST ${shellQuote(url)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H "X-Tradeloop-Timestamp: $TS" \\`,
    `  -H "X-Tradeloop-Signature: sha256=$SIG" \\`,
    `  --data-binary "$BODY"`,
  ].join('\n');
}

/** The symbols field: "RELIANCE, nifty26d0825900ce" → ["RELIANCE", "NIFTY26D0825900CE"] (blank: any instrument). */
export function parseSymbols(text: string): string[] | null {
  const list = [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((s) => s.trim().toUpperCase())
        .filter((s) => s !== ''),
    ),
  ];
  return list.length === 0 ? null : list;
}
