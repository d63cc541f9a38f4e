import type { Wallet } from '@tradeloop/contracts';
import { formatMoney } from '@tradeloop/domain';
import type { TestApi } from './test-api';

// A paper account's book as its owner sees it over HTTP (docs/api.md "Broker accounts"): paper
// orders hold and settle there, never in the wallet (docs/domain.md "Accounts and books").

/** An API money string ("1500.00", not negative) in paise, exactly. */
export const paise = (money: string): bigint => {
  const [whole, frac = ''] = money.split('.');
  return BigInt(whole!) * 100n + BigInt(frac.padEnd(2, '0'));
};

/** The caller's paper account id (its book is opened with the starting balance on this first read). */
export async function paperAccountId(api: TestApi, token: string): Promise<string> {
  const res = await api.http.get('/api/v1/broker-accounts', token);
  if (res.status !== 200) throw new Error(`GET /broker-accounts: ${res.status}`);
  return (res.body.items as { id: string; kind: string }[]).find((a) => a.kind === 'paper')!.id;
}

/** The paper book's balances in the wallet's shape: available cash, what orders hold, and their total. */
export async function paperFunds(api: TestApi, token: string, accountId?: string): Promise<Wallet> {
  const id = accountId ?? (await paperAccountId(api, token));
  const res = await api.http.get(`/api/v1/broker-accounts/${id}/funds`, token);
  if (res.status !== 200) throw new Error(`GET /broker-accounts/${id}/funds: ${res.status} ${JSON.stringify(res.body)}`);
  const { availableCash, usedMargin } = res.body as { availableCash: string; usedMargin: string };
  return { currency: 'INR', available: availableCash, held: usedMargin, total: formatMoney(paise(availableCash) + paise(usedMargin)) };
}

/** Sets (or resets) the caller's paper balance through the owner's endpoint; returns the account id. */
export async function setPaperBalance(api: TestApi, token: string, amount: string): Promise<string> {
  const id = await paperAccountId(api, token);
  const res = await api.http.post(`/api/v1/broker-accounts/${id}/paper-balance`, { amount }, token);
  if (res.status !== 200) throw new Error(`POST /broker-accounts/${id}/paper-balance: ${res.status} ${JSON.stringify(res.body)}`);
  return id;
}
