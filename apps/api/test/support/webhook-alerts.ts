import { signWebhook } from '@tradeloop/domain';
import type { TestApi } from './test-api';

/**
 * POSTs `raw` to a webhook source's URL as a sender would (docs/alerts.md "Intake"): signed with
 * `secret` over `timestamp.rawBody` (now, unless told), unless `signature` is given (null: none).
 */
export function postSignedAlert(
  api: Pick<TestApi, 'http'>,
  source: { url: string; secret: string },
  raw: string,
  opts: { timestamp?: string; signature?: string | null; contentType?: string } = {},
) {
  const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'application/json', 'x-tradeloop-timestamp': timestamp };
  const signature = opts.signature === undefined ? signWebhook(source.secret, timestamp, raw) : opts.signature;
  if (signature !== null) headers['x-tradeloop-signature'] = signature;
  return api.http.request('POST', source.url, { raw, headers });
}
