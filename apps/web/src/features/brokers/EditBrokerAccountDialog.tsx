import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { BROKER_CREDENTIAL_FIELDS, type BrokerAccount, type UpdateBrokerAccountRequest } from '@tradeloop/contracts';
import { Dialog } from '../../components/Dialog';
import { FormField } from '../auth/FormField';
import { formProblem } from '../auth/form-problem';
import { useSetPaperBalance, useUpdateBrokerAccount } from './broker-accounts-api';
import { CREDENTIAL_LABEL, isSecretField, KIND_LABEL } from './broker-account-view';

/** Stays mounted so the native dialog hands focus back to the card's Edit button on close. */
export function EditBrokerAccountDialog({ account, onClose }: { account: BrokerAccount | null; onClose: () => void }) {
  return (
    <Dialog open={account !== null} title="Edit broker account" onClose={onClose} testId="broker-edit-dialog">
      {account && <EditForm key={account.id} account={account} onDone={onClose} />}
    </Dialog>
  );
}

const AMOUNT = /^\d{1,13}(\.\d{1,2})?$/;

/**
 * The name, and new credentials (all of the kind's fields together, replacing the old ones whole;
 * left empty they stay as they are). Paper accounts: the virtual balance instead.
 */
function EditForm({ account, onDone }: { account: BrokerAccount; onDone: () => void }) {
  const update = useUpdateBrokerAccount();
  const balance = useSetPaperBalance();
  const [name, setName] = useState(account.name);
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const [amount, setAmount] = useState('');
  const fields = BROKER_CREDENTIAL_FIELDS[account.kind];
  const typed = fields.filter((f) => (credentials[f] ?? '').trim() !== '');
  const replacing = typed.length > 0;
  const partial = replacing && typed.length < fields.length;
  const amountText = amount.trim();
  const amountBad = amountText !== '' && !AMOUNT.test(amountText);

  const patch: UpdateBrokerAccountRequest = {
    ...(name.trim() !== account.name ? { name: name.trim() } : {}),
    ...(replacing && !partial ? { credentials: Object.fromEntries(fields.map((f) => [f, credentials[f]!.trim()])) } : {}),
  };
  const dirty = Object.keys(patch).length > 0;
  const canSave = (dirty || (amountText !== '' && !amountBad)) && !partial && !amountBad && name.trim() !== '';
  const pending = update.isPending || balance.isPending;
  const problem = formProblem(update.error ?? balance.error, ['name', 'amount', ...fields.map((f) => `credentials.${f}`)]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!canSave || pending) return;
    try {
      if (dirty) await update.mutateAsync({ id: account.id, patch });
      if (amountText !== '')
        await balance.mutateAsync({ id: account.id, amount: amountText.includes('.') ? amountText : `${amountText}.00` });
    } catch {
      return; // shown below
    }
    setCredentials({});
    toast.success(`Saved ${name.trim()}`, {
      description: patch.credentials ? 'New credentials saved; log in again to use them.' : undefined,
    });
    onDone();
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate>
      <div className="dialog-subject">
        <strong>{account.name}</strong>
        <span className="muted">{KIND_LABEL[account.kind]}</span>
      </div>
      <FormField
        label="Account name"
        value={name}
        maxLength={60}
        onChange={(e) => setName(e.target.value)}
        errors={problem.messagesFor('name')}
      />
      {fields.length > 0 && (
        <fieldset className="fieldset">
          <legend>Replace credentials</legend>
          <p className="field-hint">Leave empty to keep the saved ones. New ones replace all of them together.</p>
          <div className="stack stack-tight">
            {fields.map((field) => (
              <FormField
                key={field}
                label={`New ${(CREDENTIAL_LABEL[field] ?? field).replace(/^./, (c) => c.toLowerCase())}`}
                type={isSecretField(field) ? 'password' : 'url'}
                autoComplete={isSecretField(field) ? 'new-password' : 'off'}
                placeholder={account.credentials[field] ? `saved: ${account.credentials[field]}` : undefined}
                value={credentials[field] ?? ''}
                onChange={(e) => setCredentials((c) => ({ ...c, [field]: e.target.value }))}
                errors={problem.messagesFor(`credentials.${field}`)}
              />
            ))}
          </div>
          {partial && <p className="field-error">Fill in all of them to replace the credentials.</p>}
        </fieldset>
      )}
      {account.kind === 'paper' && (
        <FormField
          label="Set virtual balance (₹)"
          inputMode="decimal"
          placeholder="e.g. 1000000.00"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          errors={amountBad ? ['a positive amount in rupees, at most two decimals'] : problem.messagesFor('amount')}
          hint="Paper money only: replaces the paper account's balance."
        />
      )}
      {problem.banner && (
        <div className="notice notice-error" role="alert" data-testid="broker-edit-error">
          {problem.banner}
        </div>
      )}
      <div className="dialog-footer">
        <button type="button" className="button button-ghost" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={!canSave || pending} data-testid="broker-edit-save">
          {pending ? 'Saving…' : 'Save changes'}
        </button>
      </div>
    </form>
  );
}
