/*
 * Trade → Webhooks (docs/alerts.md "Webhook sources", docs/api.md "Webhooks"): the user's alert
 * sources on the left; the selected one's setup (URL, TradingView alert message, signed curl),
 * actions (on / off, edit, rotate secret, delete) and its delivery log on the right. A new or
 * rotated secret is shown once, with a signed test delivery sent from the page while it is on
 * screen. The selection is kept in ?source=.
 *
 * Test ids: webhooks-page, source-new, source-row (data-id, data-enabled), source-detail, source-enabled, source-edit,
 * source-rotate (source-rotate-dialog, -confirm, -error), source-delete (source-delete-dialog, -confirm, -error)
 * (form: SourceForm.tsx; setup and secret: SourceSetup.tsx; log: DeliveryLog.tsx)
 */
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { toast } from 'sonner';
import type { WebhookSourceDto, WebhookSourceWithSecretDto } from '@tradeloop/contracts';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { splitLabel } from './alert-template';
import { AlertsNav } from './AlertsNav';
import { DeliveryLog } from './DeliveryLog';
import { SourceForm } from './SourceForm';
import { SecretOnce, SourceSetup } from './SourceSetup';
import { useDeleteSource, useRotateSecret, useSources, useUpdateSource } from './webhooks-api';
import './alerts.css';

export function WebhooksPage() {
  const sources = useSources();
  const [params, setParams] = useSearchParams();
  const [form, setForm] = useState<'new' | WebhookSourceDto | null>(null);
  const [secret, setSecret] = useState<WebhookSourceWithSecretDto | null>(null);
  const items = sources.data?.items ?? [];
  const selectedId = params.get('source');
  const selected = items.find((s) => s.id === selectedId) ?? items[0] ?? null;
  const select = (id: string) => setParams((p) => (p.set('source', id), p), { replace: true });

  return (
    <>
      <AlertsNav />
      <div className="page webhooks-page" data-testid="webhooks-page">
        <PageHeader
          section="Trade"
          title="Webhooks"
          meta={sources.isFetching && !sources.isPending ? <span className="spinner" aria-label="Loading" /> : null}
          actions={
            form === null && (
              <button type="button" className="button button-primary" onClick={() => setForm('new')} data-testid="source-new">
                New source
              </button>
            )
          }
        />
        {secret && <SecretOnce source={secret} onClose={() => setSecret(null)} />}
        {form !== null && (
          <SourceForm
            key={form === 'new' ? 'new' : form.id}
            editing={form === 'new' ? null : form}
            onDone={() => setForm(null)}
            onCreated={(s) => {
              setSecret(s);
              select(s.id);
            }}
          />
        )}
        {sources.isError ? (
          <ErrorNotice error={sources.error} onRetry={() => void sources.refetch()} />
        ) : sources.isPending ? null : items.length === 0 ? (
          form === null && (
            <EmptyState title="No webhook sources yet">
              A source is a URL that TradingView or your own code posts alerts to; each alert is authenticated, deduplicated, decided by
              engine A or B and traded on the accounts you pick.
            </EmptyState>
          )
        ) : (
          <div className="webhooks-grid">
            <nav className="panel source-list" aria-label="Webhook sources">
              {items.map((s) => (
                <button
                  key={s.id}
                  type="button"
                  className={`source-row${selected?.id === s.id ? ' active' : ''}`}
                  aria-current={selected?.id === s.id || undefined}
                  onClick={() => select(s.id)}
                  data-testid="source-row"
                  data-id={s.id}
                  data-enabled={s.enabled}
                >
                  <strong>{s.name}</strong>
                  <span className="muted small mono">{splitLabel(s.engine.split)}</span>
                  <span className="chips">
                    <span className={`chip ${s.enabled ? 'chip-positive' : 'chip-neutral'}`}>{s.enabled ? 'on' : 'off'}</span>
                    {s.passphrase && <span className="chip chip-warning">passphrase</span>}
                  </span>
                </button>
              ))}
            </nav>
            {selected && <SourceDetail key={selected.id} source={selected} onEdit={() => setForm(selected)} onSecret={setSecret} />}
          </div>
        )}
      </div>
    </>
  );
}

function SourceDetail({
  source: s,
  onEdit,
  onSecret,
}: {
  source: WebhookSourceDto;
  onEdit: () => void;
  onSecret: (s: WebhookSourceWithSecretDto) => void;
}) {
  const update = useUpdateSource();
  const rotate = useRotateSecret();
  const remove = useDeleteSource();
  const [confirm, setConfirm] = useState<'rotate' | 'delete' | null>(null);
  return (
    <section className="source-detail" aria-label={s.name} data-testid="source-detail">
      <div className="panel source-summary">
        <div className="setup-head">
          <div className="source-title">
            <strong>{s.name}</strong>
            <span className="muted small">
              {splitLabel(s.engine.split)} · {s.accountIds.length} account{s.accountIds.length === 1 ? '' : 's'} · symbols{' '}
              {s.symbols ? s.symbols.join(', ') : 'any'} · {s.limits.perMinute}/min
              {s.limits.maxQuantity !== null && ` · max qty ${s.limits.maxQuantity}`}
              {s.limits.maxOpenPositions !== null && ` · max ${s.limits.maxOpenPositions} open`}
              {s.passphrase && ' · passphrase mode (weaker)'}
            </span>
          </div>
          <div className="row">
            <label className="check-row">
              <input
                type="checkbox"
                checked={s.enabled}
                disabled={update.isPending}
                onChange={(e) => update.mutate({ id: s.id, patch: { enabled: e.target.checked } })}
                data-testid="source-enabled"
              />
              <span>Enabled</span>
            </label>
            <button type="button" className="button button-small" onClick={onEdit} data-testid="source-edit">
              Edit
            </button>
            <button type="button" className="button button-small" onClick={() => setConfirm('rotate')} data-testid="source-rotate">
              Rotate secret
            </button>
            <button
              type="button"
              className="button button-small button-ghost"
              onClick={() => setConfirm('delete')}
              data-testid="source-delete"
            >
              Delete
            </button>
          </div>
        </div>
        <SourceSetup source={s} />
      </div>
      <DeliveryLog sourceId={s.id} />
      <ConfirmDialog
        open={confirm === 'rotate'}
        title="Rotate secret"
        onClose={() => {
          setConfirm(null);
          rotate.reset();
        }}
        testId="source-rotate-dialog"
        confirmLabel="Rotate"
        pendingLabel="Rotating…"
        pending={rotate.isPending}
        confirmTestId="source-rotate-confirm"
        error={rotate.error}
        errorTestId="source-rotate-error"
        onConfirm={() =>
          rotate.mutate(s.id, {
            onSuccess: (r) => {
              onSecret(r);
              setConfirm(null);
            },
          })
        }
      >
        <p>A new secret is issued and shown once; the old one stops working at once. Senders must be updated.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'delete'}
        title="Delete webhook source"
        onClose={() => {
          setConfirm(null);
          remove.reset();
        }}
        testId="source-delete-dialog"
        confirmLabel="Delete"
        pendingLabel="Deleting…"
        pending={remove.isPending}
        tone="danger"
        confirmTestId="source-delete-confirm"
        error={remove.error}
        errorTestId="source-delete-error"
        onConfirm={() =>
          remove.mutate(s.id, {
            onSuccess: () => {
              toast.success(`Deleted ${s.name}`);
              setConfirm(null);
            },
          })
        }
      >
        <p>{s.name} and its deliveries go; its URL answers 404 from now on. Orders already placed stay.</p>
      </ConfirmDialog>
    </section>
  );
}
