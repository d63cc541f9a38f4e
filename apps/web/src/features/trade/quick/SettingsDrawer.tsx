/*
 * Quick-trade settings (docs/watchlist-trading.md "Settings: six tiers"): the effective values of the
 * selected row with the tier each came from ("30 ← index"), and an editor per tier — Global and the
 * Index profiles for admins; this Watchlist, the User and this Symbol for everyone.
 *
 * Test ids:
 *   settings-drawer                 the drawer
 *   settings-effective-<key>        an effective value: data-value (JSON), data-source (global|index|watchlist|user|symbol)
 *   settings-tier-<tier>            the tier tabs: global, index (admins), watchlist, user, symbol (aria-pressed)
 *   settings-index-underlying       which index profile (NIFTY, BANKNIFTY)
 *   settings-field-<key>            a field of the tier being edited (blank = not set in this tier)
 *   settings-account-<id>           accountIds: one checkbox per broker account
 *   settings-error-<key>            the server's refusal of that field, next to it
 *   settings-error                  a refusal that names no field here
 *   settings-save                   PUT the tier (replaces its whole set)
 *   settings-saved                  shown after a successful save
 */
import { useState, type FormEvent } from 'react';
import { PRODUCTS } from '@tradeloop/domain';
import { SETTINGS_KEYS, type SettingsKey, type SettingsTier, type SettingsValues } from '@tradeloop/contracts';
import { Drawer } from '../../../components/Drawer';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { describeError, isApiError } from '../../../lib/api';
import { useCurrentUser } from '../../../lib/auth';
import { useBrokerAccounts } from '../../brokers/broker-accounts-api';
import { useEffectiveSettings, useSaveSettingsTier, useSettingsTier, type TierRef } from './quick-api';
import { settingsField } from './quick-trade';

const INDICES = ['NIFTY', 'BANKNIFTY'];

type Kind = 'text' | 'int' | 'bool' | 'policy' | 'product' | 'accounts';
const FIELDS: Record<SettingsKey, { label: string; kind: Kind; hint?: string }> = {
  strikePolicy: { label: 'Strike policy', kind: 'policy', hint: 'FLOAT_OFS resolves at every click; ANCHOR adds to the held contract' },
  stepLots: { label: 'Lots per click', kind: 'int' },
  product: { label: 'Product', kind: 'product' },
  strikeStep: { label: 'Strike step ₹', kind: 'text' },
  tpPerUnit: { label: 'Take-profit ₹/unit', kind: 'text' },
  slPerUnit: { label: 'Stop-loss ₹/unit', kind: 'text' },
  tslEnabled: { label: 'Trailing stop', kind: 'bool' },
  tslArmAfter: { label: 'Trail arms after ₹', kind: 'text' },
  tslTrailBy: { label: 'Trail by ₹', kind: 'text' },
  tslStep: { label: 'Trail step ₹', kind: 'text' },
  maxLotsPerLeg: { label: 'Max lots per leg', kind: 'int' },
  accountIds: { label: 'Accounts', kind: 'accounts', hint: 'None ticked: not set here' },
};

type EditableTier = Exclude<SettingsTier, 'click'>;
const TIER_LABEL: Record<EditableTier, string> = {
  global: 'Global',
  index: 'Index',
  watchlist: 'Watchlist',
  user: 'User',
  symbol: 'Symbol',
};

type Form = Record<Exclude<SettingsKey, 'accountIds'>, string> & { accountIds: string[] };

function toForm(values: Record<string, unknown> | undefined): Form {
  const form = { accountIds: [] } as unknown as Form;
  for (const key of SETTINGS_KEYS) {
    const v = values?.[key];
    if (key === 'accountIds') form.accountIds = Array.isArray(v) ? (v as string[]) : [];
    else form[key] = v === null || v === undefined ? '' : String(v);
  }
  return form;
}

/** The tier's sparse set: blank fields are left out (PUT clears them). */
function fromForm(form: Form): SettingsValues {
  const out: Record<string, unknown> = {};
  for (const key of SETTINGS_KEYS) {
    if (key === 'accountIds') {
      if (form.accountIds.length) out.accountIds = form.accountIds;
      continue;
    }
    const raw = form[key].trim();
    if (raw === '') continue;
    const kind = FIELDS[key].kind;
    out[key] = kind === 'int' ? (/^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw) : kind === 'bool' ? raw === 'true' : raw;
  }
  return out as SettingsValues;
}

export const showValue = (value: unknown, accountName: (id: string) => string): string => {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.length ? value.map((id) => accountName(String(id))).join(', ') : 'default account';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
};

interface SettingsDrawerProps {
  open: boolean;
  onClose: () => void;
  watchlistId: string | null;
  watchlistName: string;
  symbol: string | null;
  /** The index profile to open first (the row's underlying when it is an index). */
  underlying: string | null;
}

export function SettingsDrawer({ open, onClose, watchlistId, watchlistName, symbol, underlying }: SettingsDrawerProps) {
  const { data: user } = useCurrentUser();
  const admin = user?.roles.includes('admin') ?? false;
  const accounts = useBrokerAccounts(open);
  const accountName = (id: string) => accounts.data?.items.find((a) => a.id === id)?.name ?? `…${id.slice(-4)}`;
  const effective = useEffectiveSettings(open ? watchlistId : null, symbol);
  const tiers: EditableTier[] = admin ? ['global', 'index', 'watchlist', 'user', 'symbol'] : ['watchlist', 'user', 'symbol'];
  const [tier, setTier] = useState<EditableTier>('watchlist');
  const [index, setIndex] = useState(underlying && INDICES.includes(underlying) ? underlying : 'NIFTY');
  const ref: TierRef | null = !open
    ? null
    : tier === 'global'
      ? { tier: 'global' }
      : tier === 'index'
        ? { tier: 'index', underlying: index }
        : tier === 'watchlist'
          ? watchlistId
            ? { tier: 'watchlist', watchlistId }
            : null
          : tier === 'user'
            ? { tier: 'user' }
            : symbol
              ? { tier: 'symbol', symbol }
              : null;

  return (
    <Drawer open={open} title="Quick-trade settings" onClose={onClose} testId="settings-drawer">
      <section className="settings-section" aria-label="Effective settings">
        <h3 className="settings-heading">
          Effective for <span className="mono">{symbol ?? '—'}</span> in {watchlistName}
        </h3>
        {effective.isError ? (
          <ErrorNotice error={effective.error} onRetry={() => void effective.refetch()} />
        ) : (
          <dl className="settings-effective">
            {SETTINGS_KEYS.map((key) => {
              const entry = effective.data?.values[key];
              return (
                <div
                  key={key}
                  className="settings-effective-row"
                  data-testid={`settings-effective-${key}`}
                  data-value={entry ? JSON.stringify(entry.value) : ''}
                  data-source={entry?.source ?? ''}
                >
                  <dt>{FIELDS[key].label}</dt>
                  <dd className="mono">
                    {entry ? (
                      <>
                        {showValue(entry.value, accountName)} <span className="settings-source">← {entry.source}</span>
                      </>
                    ) : (
                      '…'
                    )}
                  </dd>
                </div>
              );
            })}
          </dl>
        )}
      </section>
      <section className="settings-section" aria-label="Edit a tier">
        <div className="settings-tier-bar">
          <div className="segmented quick-modes" role="group" aria-label="Tier">
            {tiers.map((t) => (
              <button
                key={t}
                type="button"
                className="segment"
                aria-pressed={tier === t}
                onClick={() => setTier(t)}
                data-testid={`settings-tier-${t}`}
              >
                {TIER_LABEL[t]}
              </button>
            ))}
          </div>
          {tier === 'index' && (
            <select
              className="select"
              aria-label="Index profile"
              value={index}
              onChange={(e) => setIndex(e.target.value)}
              data-testid="settings-index-underlying"
            >
              {INDICES.map((i) => (
                <option key={i} value={i}>
                  {i}
                </option>
              ))}
            </select>
          )}
        </div>
        <p className="field-hint">
          {tier === 'global'
            ? 'Everyone, every row: the lowest tier.'
            : tier === 'index'
              ? `Every row on ${index} and its derivatives, for everyone.`
              : tier === 'watchlist'
                ? `Rows of ${watchlistName}.`
                : tier === 'user'
                  ? 'All your rows.'
                  : `Your ${symbol ?? ''} rows in every watchlist.`}{' '}
          Higher tiers win; a blank field is not set here.
        </p>
        {ref && <TierEditor key={JSON.stringify(ref)} tierRef={ref} accounts={accounts.data?.items ?? []} />}
      </section>
    </Drawer>
  );
}

function TierEditor({ tierRef, accounts }: { tierRef: TierRef; accounts: readonly { id: string; name: string }[] }) {
  // Accounts are chosen per user: never on the global or an index tier.
  const perUser = tierRef.tier !== 'global' && tierRef.tier !== 'index';
  const tier = useSettingsTier(tierRef);
  const save = useSaveSettingsTier();
  // The form starts from the tier as read, and is the user's once edited.
  const [edited, setForm] = useState<Form | null>(null);
  const form = edited ?? (tier.data ? toForm(tier.data.values) : null);
  const [saved, setSaved] = useState(false);

  if (tier.isError) return <ErrorNotice error={tier.error} onRetry={() => void tier.refetch()} />;
  if (!form) return <p className="muted">Loading…</p>;

  const problems = save.error && isApiError(save.error) ? save.error.fieldErrors : [];
  const errorFor = (key: string) => problems.filter((p) => settingsField(p.field).split('.')[0] === key).map((p) => p.message);
  const unplaced = problems.filter((p) => !(SETTINGS_KEYS as readonly string[]).includes(settingsField(p.field).split('.')[0]!));
  const set = (key: Exclude<SettingsKey, 'accountIds'>, value: string) => {
    setSaved(false);
    setForm({ ...form, [key]: value });
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    save.mutate({ ref: tierRef, values: fromForm(form) }, { onSuccess: (dto) => (setForm(toForm(dto.values)), setSaved(true)) });
  };

  return (
    <form className="settings-form" onSubmit={onSubmit} noValidate aria-label="Tier settings">
      {save.error && (problems.length === 0 || unplaced.length > 0) && (
        <div className="notice notice-error" role="alert" data-testid="settings-error">
          {describeError(save.error)}
          {unplaced.map((p) => ` ${p.field}: ${p.message}.`)}
        </div>
      )}
      <div className="settings-grid">
        {SETTINGS_KEYS.filter((key) => key !== 'accountIds' || perUser).map((key) => {
          const field = FIELDS[key];
          const errors = errorFor(key);
          const id = `settings-${key}`;
          return (
            <div key={key} className={`field settings-field${key === 'accountIds' ? ' settings-field-wide' : ''}`}>
              <label htmlFor={id}>{field.label}</label>
              {key === 'accountIds' ? (
                <div className="settings-accounts" id={id} role="group" aria-label="Accounts">
                  {accounts.map((a) => (
                    <label key={a.id} className="check-row">
                      <input
                        type="checkbox"
                        checked={form.accountIds.includes(a.id)}
                        onChange={(e) => {
                          setSaved(false);
                          setForm({
                            ...form,
                            accountIds: e.target.checked ? [...form.accountIds, a.id] : form.accountIds.filter((x) => x !== a.id),
                          });
                        }}
                        data-testid={`settings-account-${a.id}`}
                      />
                      {a.name}
                    </label>
                  ))}
                </div>
              ) : field.kind === 'text' || field.kind === 'int' ? (
                <input
                  id={id}
                  className="input"
                  inputMode={field.kind === 'int' ? 'numeric' : 'decimal'}
                  value={form[key]}
                  placeholder="not set"
                  aria-invalid={errors.length > 0}
                  onChange={(e) => set(key, e.target.value)}
                  data-testid={`settings-field-${key}`}
                />
              ) : (
                <select
                  id={id}
                  className="select"
                  value={form[key]}
                  aria-invalid={errors.length > 0}
                  onChange={(e) => set(key, e.target.value)}
                  data-testid={`settings-field-${key}`}
                >
                  <option value="">not set</option>
                  {(field.kind === 'bool' ? ['true', 'false'] : field.kind === 'policy' ? ['FLOAT_OFS', 'ANCHOR'] : PRODUCTS).map((v) => (
                    <option key={v} value={v}>
                      {v === 'true' ? 'on' : v === 'false' ? 'off' : v}
                    </option>
                  ))}
                </select>
              )}
              {errors.map((message) => (
                <span key={message} className="field-error" data-testid={`settings-error-${key}`}>
                  {message}
                </span>
              ))}
              {field.hint && errors.length === 0 && <span className="field-hint">{field.hint}</span>}
            </div>
          );
        })}
      </div>
      <div className="settings-actions">
        {saved && (
          <span className="text-positive" role="status" data-testid="settings-saved">
            Saved
          </span>
        )}
        <button type="submit" className="button button-primary" disabled={save.isPending} data-testid="settings-save">
          {save.isPending ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
