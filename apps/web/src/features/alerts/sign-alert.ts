/*
 * A signed test delivery from the browser, while the secret is still on screen after create or
 * rotate (the page never keeps it): `X-Tradeloop-Signature: sha256=<hex HMAC-SHA256(secret,
 * timestamp + "." + body)>` with `X-Tradeloop-Timestamp` (docs/api.md "Webhooks").
 */
export async function hmacSha256Hex(secret: string, message: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, enc.encode(message));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export interface TestDeliveryResult {
  status: number;
  body: unknown;
}

/** POSTs `body` to the source's URL, signed with `secret`; the intake's answer as it came (202, 200 duplicate, or a problem). */
export async function sendSignedAlert(url: string, secret: string, body: string): Promise<TestDeliveryResult> {
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = await hmacSha256Hex(secret, `${ts}.${body}`);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tradeloop-timestamp': ts, 'x-tradeloop-signature': `sha256=${sig}` },
    body,
  });
  let parsed: unknown = null;
  try {
    parsed = await res.json();
  } catch {
    parsed = null;
  }
  return { status: res.status, body: parsed };
}
