import type { BrokerAccount, BrokerAccountList } from '@tradeloop/contracts';

/** The caller's broker accounts (GET /broker-accounts), kept current by `broker.account` events. */
export const brokerAccountsQueryKey = ['broker-accounts'] as const;

/** Puts one account's new state into the cached list (a new one at the end); a new default unsets the others. */
export function upsertAccount(list: BrokerAccountList | undefined, account: BrokerAccount): BrokerAccountList | undefined {
  if (!list) return list;
  const exists = list.items.some((a) => a.id === account.id);
  let items = exists ? list.items.map((a) => (a.id === account.id ? account : a)) : [...list.items, account];
  if (account.isDefault) items = items.map((a) => (a.id !== account.id && a.isDefault ? { ...a, isDefault: false } : a));
  return { items };
}
