import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { BROKER_CREDENTIAL_FIELDS, type BrokerKind } from '@tradeloop/contracts';
import { formatInr } from '../../lib/money';
import { FormField } from '../auth/FormField';
import { formProblem } from '../auth/form-problem';
import { useCreateBrokerAccount } from './broker-accounts-api';
import { ADDABLE_KINDS, CREDENTIAL_LABEL, hasBrowserLogin, isSecretField, KIND_LABEL, loginLabel } from './broker-account-view';

const NAME_PLACEHOLDER: Record<BrokerKind, string> = {
  paper: 'Paper 2',
  kite: 'Zerodha main',
  upstox: 'Upstox',
  openalgo: 'OpenAlgo',
};

/**
 * A new live account: the broker, a name, and the broker's credentials. Secrets are typed into
 * password boxes, sent once and forgotten here; the list shows the server's masked copy. Or
 * another paper account: a name only (its own virtual balance, opened with the starting amount).
 *
 * Test ids: broker-add-form, broker-add-kind (the broker select), broker-add-submit, broker-add-error, broker-add-paper-hint
 */
export function AddBrokerAccountForm({ onDone }: { onDone: () => void }) {
  const create = useCreateBrokerAccount();
  const [kind, setKind] = useState<BrokerKind>('kite');
  const [name, setName] = useState('');
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const [isDefault, setIsDefault] = useState(false);
  const fields = BROKER_CREDENTIAL_FIELDS[kind];

  const problem = formProblem(create.error, ['name', 'kind', ...fields.map((f) => `credentials.${f}`)]);
  const complete = name.trim() !== '' && fields.every((f) => (credentials[f] ?? '').trim() !== '');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!complete || create.isPending) return;
    const body = {
      kind,
      name: name.trim(),
      // Paper takes none: an empty set.
      credentials: Object.fromEntries(fields.map((f) => [f, (credentials[f] ?? '').trim()])),
      ...(isDefault ? { isDefault: true } : {}),
    };
    create.mutate(body, {
      onSuccess: (account) => {
        setCredentials({});
        toast.success(`Added ${account.name}`, {
          description: hasBrowserLogin(account.kind)
            ? `${loginLabel(account.kind)} to start trading it.`
            : account.paperBalance !== null
              ? `Its own virtual balance: ${formatInr(account.paperBalance)}.`
              : undefined,
        });
        onDone();
      },
    });
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Add a broker account" data-testid="broker-add-form">
      <div className="field-columns">
        <label className="field">
          <span className="label">Broker</span>
          <select
            className="select broker-select"
            value={kind}
            data-testid="broker-add-kind"
            onChange={(e) => {
              setKind(e.target.value as BrokerKind);
              setCredentials({});
              create.reset();
            }}
          >
            {ADDABLE_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABEL[k]}
              </option>
            ))}
          </select>
        </label>
        <FormField
          label="Account name"
          value={name}
          maxLength={60}
          placeholder={NAME_PLACEHOLDER[kind]}
          onChange={(e) => setName(e.target.value)}
          errors={problem.messagesFor('name')}
          autoComplete="off"
        />
      </div>
      {fields.length === 0 ? (
        <p className="field-hint" data-testid="broker-add-paper-hint">
          Another paper account on the simulated broker: no credentials, its own virtual balance (opened with the starting amount, reset any
          time), its own orders and positions. You always keep your first paper account.
        </p>
      ) : (
        <fieldset className="fieldset">
          <legend>{KIND_LABEL[kind]} credentials</legend>
          <div className="field-columns">
            {fields.map((field) => (
              <FormField
                key={`${kind}-${field}`}
                label={CREDENTIAL_LABEL[field] ?? field}
                type={isSecretField(field) ? 'password' : 'url'}
                autoComplete={isSecretField(field) ? 'new-password' : 'off'}
                spellCheck={false}
                value={credentials[field] ?? ''}
                onChange={(e) => setCredentials((c) => ({ ...c, [field]: e.target.value }))}
                errors={problem.messagesFor(`credentials.${field}`)}
              />
            ))}
          </div>
          <p className="field-hint">
            Encrypted when saved and never shown again: the list shows only the last four characters.
            {kind === 'kite' && ' From your Kite Connect app at developers.kite.trade.'}
          </p>
        </fieldset>
      )}
      <label className="check-row broker-default-check">
        <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} />
        <span>Make it my default account (orders go here unless another is picked)</span>
      </label>
      {problem.banner && (
        <div className="notice notice-error" role="alert" data-testid="broker-add-error">
          {problem.banner}
        </div>
      )}
      <div className="row broker-form-actions">
        <button type="button" className="button button-ghost" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={!complete || create.isPending} data-testid="broker-add-submit">
          {create.isPending ? 'Adding…' : 'Add account'}
        </button>
      </div>
    </form>
  );
}
