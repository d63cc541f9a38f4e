import { useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { WebhookSourceDto, WebhookSourceWithSecretDto } from '@tradeloop/contracts';
import { CopyButton } from '../../components/CopyButton';
import { absoluteHookUrl, sampleAlert, signedCurlExample, tradingViewTemplate } from './alert-template';
import { sendSignedAlert, type TestDeliveryResult } from './sign-alert';
import { deliveriesQueryKey } from './webhooks-api';

/**
 * The secret shown once (after create / rotate), with a signed test delivery sent from here while it
 * is on screen: the page forgets the secret when the panel is closed.
 *
 * Test ids: source-secret, source-secret-value, source-passphrase-value, source-test-body, source-test-send, source-test-result, source-secret-done
 */
export function SecretOnce({ source, onClose }: { source: WebhookSourceWithSecretDto; onClose: () => void }) {
  const url = absoluteHookUrl(source.url, window.location.origin);
  const [body, setBody] = useState(() =>
    sampleAlert({ symbol: source.symbols?.[0] ?? 'RELIANCE', action: 'buy', quantity: 1, strategy: 'test' }),
  );
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<TestDeliveryResult | { error: string } | null>(null);
  const queryClient = useQueryClient();

  const send = async () => {
    setSending(true);
    try {
      setResult(await sendSignedAlert(url, source.secret, body));
      // The log shows the new delivery at once (and polls it while it moves).
      void queryClient.invalidateQueries({ queryKey: deliveriesQueryKey(source.id) });
    } catch {
      setResult({ error: 'The request did not reach the server.' });
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="notice notice-warning secret-panel" role="status" aria-label="Secret, shown once" data-testid="source-secret">
      {source.secret && (
        <div className="secret-line">
          <strong>Signing secret for {source.name}</strong> — shown this once; copy it now, it cannot be shown again (rotate to get a new
          one):
          <code className="mono" data-testid="source-secret-value">
            {source.secret}
          </code>
          <CopyButton value={source.secret} label="secret" />
        </div>
      )}
      {source.passphraseValue && (
        <div className="secret-line">
          <strong>Passphrase</strong> (weaker mode, for TradingView) — shown this once:
          <code className="mono" data-testid="source-passphrase-value">
            {source.passphraseValue}
          </code>
          <CopyButton value={source.passphraseValue} label="passphrase" />
        </div>
      )}
      {source.secret && (
        <div className="test-delivery">
          <label className="field">
            <span className="label">Test delivery (a real alert: it is decided and may place orders on the source’s accounts)</span>
            <textarea
              className="input mono"
              rows={2}
              value={body}
              onChange={(e) => setBody(e.target.value)}
              spellCheck={false}
              data-testid="source-test-body"
            />
          </label>
          <div className="row">
            <button
              type="button"
              className="button button-primary"
              disabled={sending}
              onClick={() => void send()}
              data-testid="source-test-send"
            >
              {sending ? 'Sending…' : 'Send signed test alert'}
            </button>
            {result && (
              <span className="mono small" data-testid="source-test-result" data-status={'status' in result ? result.status : 'error'}>
                {'error' in result ? result.error : `HTTP ${result.status} ${JSON.stringify(result.body)}`}
              </span>
            )}
          </div>
        </div>
      )}
      <div>
        <button type="button" className="button button-small" onClick={onClose} data-testid="source-secret-done">
          I have saved it
        </button>
      </div>
    </section>
  );
}

/** How to send alerts to a source: its URL, TradingView's alert message and a signed curl example. Test ids: source-url, source-tv-template, source-curl */
export function SourceSetup({ source }: { source: WebhookSourceDto }) {
  const url = absoluteHookUrl(source.url, window.location.origin);
  const template = useMemo(() => tradingViewTemplate({ strategy: source.name, passphrase: null }), [source.name]);
  const curl = useMemo(
    () =>
      signedCurlExample(url, sampleAlert({ symbol: source.symbols?.[0] ?? 'RELIANCE', action: 'buy', quantity: 1, strategy: 'manual' })),
    [url, source.symbols],
  );
  return (
    <div className="source-setup">
      <div className="setup-block">
        <div className="setup-head">
          <span className="label">Webhook URL</span>
          <CopyButton value={url} label="webhook URL" />
        </div>
        <code className="mono setup-url" data-testid="source-url">
          {url}
        </code>
      </div>
      <div className="setup-columns">
        <div className="setup-block">
          <div className="setup-head">
            <span className="label">TradingView alert message</span>
            <CopyButton value={template} label="TradingView alert message" />
          </div>
          <pre className="mono setup-code" data-testid="source-tv-template">
            {template}
          </pre>
          <p className="muted small">
            TradingView cannot sign requests: it needs <strong>passphrase mode</strong> (weaker) on this source; put the passphrase shown at
            creation in place of <code>&lt;your passphrase&gt;</code>.
            {!source.passphrase && ' Passphrase mode is off for this source: edit it to turn it on.'}
          </p>
        </div>
        <div className="setup-block">
          <div className="setup-head">
            <span className="label">Signed request (curl)</span>
            <CopyButton value={curl} label="curl example" />
          </div>
          <pre className="mono setup-code" data-testid="source-curl">
            {curl}
          </pre>
          <p className="muted small">
            Set <code>TRADELOOP_SECRET</code> to the source’s secret. The signature is HMAC-SHA256 of timestamp + “.” + body; the timestamp
            must be within the tolerance window.
          </p>
        </div>
      </div>
    </div>
  );
}
