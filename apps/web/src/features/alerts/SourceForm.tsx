import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import type { PatchWebhook, WebhookSourceDto, WebhookSourceWithSecretDto } from '@tradeloop/contracts';
import { FormField } from '../auth/FormField';
import { useBrokerAccounts } from '../brokers/broker-accounts-api';
import { parseSymbols, splitLabel } from './alert-template';
import { fieldProblem } from './field-errors';
import { useCreateSource, useUpdateSource } from './webhooks-api';

const FIELDS = [
  'name',
  'engine.split',
  'engine',
  'accountIds',
  'symbols',
  'limits.perMinute',
  'limits.maxQuantity',
  'limits.maxOpenPositions',
  'passphrase',
];

const optionalInt = (text: string): number | null => (text.trim() === '' ? null : Number(text));

/**
 * Create or edit a webhook source: name, the A/B split, the accounts it trades (the user's
 * tradable accounts), allowed symbols, limits and the weaker passphrase mode. Create hands the
 * answer (with the secret) to `onCreated` to be shown once.
 *
 * Test ids: source-form, source-name, source-split, source-split-label, source-account-<id>, source-symbols,
 * source-per-minute, source-max-quantity, source-max-positions, source-passphrase, source-submit, source-form-error
 */
export function SourceForm({
  editing,
  onDone,
  onCreated,
}: {
  editing: WebhookSourceDto | null;
  onDone: () => void;
  onCreated: (s: WebhookSourceWithSecretDto) => void;
}) {
  const accounts = useBrokerAccounts();
  const create = useCreateSource();
  const update = useUpdateSource();
  const mutation = editing ? update : create;
  const [name, setName] = useState(editing?.name ?? '');
  const [split, setSplit] = useState(editing?.engine.split ?? 50);
  const [accountIds, setAccountIds] = useState<string[]>(editing?.accountIds ?? []);
  const [symbols, setSymbols] = useState(editing?.symbols?.join(', ') ?? '');
  const [perMinute, setPerMinute] = useState(String(editing?.limits.perMinute ?? 60));
  const [maxQuantity, setMaxQuantity] = useState(editing?.limits.maxQuantity?.toString() ?? '');
  const [maxPositions, setMaxPositions] = useState(editing?.limits.maxOpenPositions?.toString() ?? '');
  const [passphrase, setPassphrase] = useState(editing?.passphrase ?? false);
  const problem = fieldProblem(mutation.error, FIELDS);
  const tradable = (accounts.data?.items ?? []).filter((a) => a.status !== 'error');
  const complete = name.trim() !== '' && accountIds.length > 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!complete || mutation.isPending) return;
    const limits = { perMinute: Number(perMinute), maxQuantity: optionalInt(maxQuantity), maxOpenPositions: optionalInt(maxPositions) };
    const symbolList = parseSymbols(symbols);
    if (editing) {
      const patch: PatchWebhook = { name: name.trim(), engine: { split }, accountIds, symbols: symbolList, limits };
      if (passphrase !== editing.passphrase) patch.passphrase = passphrase;
      update.mutate(
        { id: editing.id, patch },
        {
          onSuccess: (s) => {
            toast.success(`Saved ${s.name}`);
            if (s.passphraseValue) onCreated({ ...s, secret: '', passphraseValue: s.passphraseValue });
            onDone();
          },
        },
      );
    } else {
      create.mutate(
        { name: name.trim(), engine: { split }, accountIds, ...(symbolList ? { symbols: symbolList } : {}), limits, passphrase },
        {
          onSuccess: (s) => {
            toast.success(`Created ${s.name}`);
            onCreated(s);
            onDone();
          },
        },
      );
    }
  };

  return (
    <form
      className="form panel source-form"
      onSubmit={submit}
      noValidate
      aria-label={editing ? 'Edit webhook source' : 'New webhook source'}
      data-testid="source-form"
    >
      <div className="field-columns">
        <FormField
          label="Name"
          value={name}
          maxLength={100}
          autoComplete="off"
          placeholder="TradingView breakout"
          onChange={(e) => setName(e.target.value)}
          errors={problem.messagesFor('name')}
          data-testid="source-name"
        />
        <div className="field split-field">
          <label htmlFor="source-split">A/B split</label>
          <div className="split-row">
            <input
              id="source-split"
              type="range"
              min={0}
              max={100}
              step={1}
              value={split}
              onChange={(e) => setSplit(Number(e.target.value))}
              data-testid="source-split"
              aria-valuetext={splitLabel(split)}
            />
            <output className="mono split-label" data-testid="source-split-label" htmlFor="source-split">
              {splitLabel(split)}
            </output>
          </div>
          <div className={problem.messagesFor('engine.split').length ? 'field-error' : 'field-hint'}>
            {problem.messagesFor('engine.split').join('; ') ||
              'Percent of alerts decided by engine A (rules); the rest by B (agents). The other engine’s decision is kept as a shadow.'}
          </div>
        </div>
      </div>
      <fieldset className="fieldset">
        <legend>Accounts it trades</legend>
        <div className="event-picks">
          {tradable.map((a) => (
            <label key={a.id} className="check-row">
              <input
                type="checkbox"
                checked={accountIds.includes(a.id)}
                onChange={(e) => setAccountIds((list) => (e.target.checked ? [...list, a.id] : list.filter((x) => x !== a.id)))}
                data-testid={`source-account-${a.kind}`}
                data-account-id={a.id}
              />
              <span>
                {a.name} <span className="muted">({a.kind === 'paper' ? 'paper' : a.kind})</span>
              </span>
            </label>
          ))}
          {accounts.isPending && <span className="muted">Loading accounts…</span>}
        </div>
        {problem.messagesFor('accountIds').length > 0 && <div className="field-error">{problem.messagesFor('accountIds').join('; ')}</div>}
      </fieldset>
      <div className="field-columns">
        <FormField
          label="Allowed symbols (blank: any)"
          value={symbols}
          placeholder="RELIANCE, NIFTY26D0825900CE"
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => setSymbols(e.target.value)}
          errors={problem.messagesFor('symbols')}
          data-testid="source-symbols"
        />
        <FormField
          label="Alerts per minute"
          type="number"
          min={1}
          value={perMinute}
          onChange={(e) => setPerMinute(e.target.value)}
          errors={problem.messagesFor('limits.perMinute')}
          data-testid="source-per-minute"
        />
        <FormField
          label="Max quantity per order (blank: none)"
          type="number"
          min={1}
          value={maxQuantity}
          onChange={(e) => setMaxQuantity(e.target.value)}
          errors={problem.messagesFor('limits.maxQuantity')}
          data-testid="source-max-quantity"
        />
        <FormField
          label="Max open positions (blank: none)"
          type="number"
          min={1}
          value={maxPositions}
          onChange={(e) => setMaxPositions(e.target.value)}
          errors={problem.messagesFor('limits.maxOpenPositions')}
          data-testid="source-max-positions"
        />
      </div>
      <label className="check-row passphrase-row">
        <input type="checkbox" checked={passphrase} onChange={(e) => setPassphrase(e.target.checked)} data-testid="source-passphrase" />
        <span>
          <strong>Passphrase mode (weaker)</strong> — for senders that cannot sign, like TradingView: a <code>passphrase</code> field in the
          body is accepted instead of a signature. Anyone who sees one alert can send more; signed requests stay accepted.
        </span>
      </label>
      {problem.banner && (
        <div className="notice notice-error" role="alert" data-testid="source-form-error">
          {problem.banner}
        </div>
      )}
      <div className="form-actions">
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={!complete || mutation.isPending} data-testid="source-submit">
          {mutation.isPending ? 'Saving…' : editing ? 'Save' : 'Create source'}
        </button>
      </div>
    </form>
  );
}
