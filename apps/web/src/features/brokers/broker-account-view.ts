/*
 * Broker accounts without React: how a kind and a status read, which accounts need a login,
 * the outcome the login callback hands back.
 */
import type { BrokerAccount, BrokerAccountStatus, BrokerKind } from '@tradeloop/contracts';

export const KIND_LABEL: Record<BrokerKind, string> = {
  paper: 'Paper (virtual money)',
  kite: 'Zerodha Kite',
  upstox: 'Upstox',
  openalgo: 'OpenAlgo',
};

/** Kinds a user can add from the page (paper exists once per user and is created for them). */
/** What the Add form offers: the live brokers, and another paper account (no credentials; the primary one always exists). */
export const ADDABLE_KINDS: readonly BrokerKind[] = ['kite', 'upstox', 'openalgo', 'paper'];

export const CREDENTIAL_LABEL: Record<string, string> = {
  apiKey: 'API key',
  apiSecret: 'API secret',
  clientId: 'Client ID',
  clientSecret: 'Client secret',
  redirectUri: 'Redirect URI',
  host: 'Host URL',
};

/** URLs are typed as text; keys and secrets are never shown as typed. */
export const isSecretField = (field: string) => field !== 'host' && field !== 'redirectUri';

export type Tone = 'positive' | 'warning' | 'negative' | 'neutral';

export const STATUS_VIEW: Record<BrokerAccountStatus, { label: string; tone: Tone }> = {
  connected: { label: 'Connected', tone: 'positive' },
  needs_login: { label: 'Needs login', tone: 'warning' },
  error: { label: 'Error', tone: 'negative' },
  disabled: { label: 'Disabled', tone: 'neutral' },
};

/** Kinds whose daily session starts with a browser login at the broker. */
export const hasBrowserLogin = (kind: BrokerKind) => kind === 'kite' || kind === 'upstox';

/** "Log in to Kite" / "Log in to Upstox". */
export const loginLabel = (kind: BrokerKind) => `Log in to ${kind === 'kite' ? 'Kite' : kind === 'upstox' ? 'Upstox' : KIND_LABEL[kind]}`;

/** Accounts whose session must be renewed at the broker before they can trade. */
export const accountsNeedingLogin = (accounts: readonly BrokerAccount[]) =>
  accounts.filter((a) => a.status === 'needs_login' && hasBrowserLogin(a.kind));

/** The ticket's label for an account: its name, what it is, and why it may not trade now. */
export function accountOptionLabel(account: Pick<BrokerAccount, 'name' | 'kind' | 'status' | 'isDefault'>): string {
  const what =
    account.kind === 'paper'
      ? /paper/i.test(account.name)
        ? `${account.name} · virtual money`
        : `${account.name} (paper · virtual money)`
      : `${account.name} (${KIND_LABEL[account.kind]})`;
  const status = account.status === 'connected' ? '' : ` — ${STATUS_VIEW[account.status].label.toLowerCase()}`;
  return `${what}${account.isDefault ? ' · default' : ''}${status}`;
}

/** A reason as a sentence: its own final stop, or one added. */
export const asSentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/** The account preselected in the ticket: the default, else the first that can trade, else the first. */
export function preselectedAccount(accounts: readonly BrokerAccount[]): BrokerAccount | null {
  return accounts.find((a) => a.isDefault) ?? accounts.find((a) => a.status === 'connected') ?? accounts[0] ?? null;
}

const needsAttention = (a: BrokerAccount) => a.status === 'needs_login' || a.status === 'error';

/**
 * Default first, then those needing attention, then the primary paper account, the other paper
 * accounts, then by name: a stable order for the list and the selector.
 */
export function sortAccounts(accounts: readonly BrokerAccount[]): BrokerAccount[] {
  return [...accounts].sort(
    (a, b) =>
      Number(b.isDefault) - Number(a.isDefault) ||
      Number(needsAttention(b)) - Number(needsAttention(a)) ||
      Number(b.primary) - Number(a.primary) ||
      Number(b.kind === 'paper') - Number(a.kind === 'paper') ||
      a.name.localeCompare(b.name) ||
      a.id.localeCompare(b.id),
  );
}

export interface LoginOutcome {
  ok: boolean;
  reason: string | null;
}

/** `?login=ok|failed&reason=…` as the broker callback leaves it; null when absent or unknown. */
export function loginOutcome(params: URLSearchParams): LoginOutcome | null {
  const login = params.get('login');
  if (login !== 'ok' && login !== 'failed') return null;
  const reason = params.get('reason')?.trim();
  return { ok: login === 'ok', reason: reason ? reason.slice(0, 300) : null };
}
