import { describe, expect, it } from 'vitest';
import type { BrokerAccount } from '@tradeloop/contracts';
import {
  accountOptionLabel,
  accountsNeedingLogin,
  asSentence,
  loginOutcome,
  preselectedAccount,
  sortAccounts,
} from './broker-account-view';

const account = (over: Partial<BrokerAccount>): BrokerAccount => ({
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'kite',
  name: 'Zerodha main',
  status: 'connected',
  statusReason: null,
  isDefault: false,
  primary: false,
  credentials: { apiKey: '••••1234', apiSecret: '••••abcd' },
  tokenExpiresAt: null,
  ownerUserId: '00000000-0000-4000-8000-0000000000aa',
  assignedUserIds: [],
  paperBalance: null,
  createdAt: '2026-12-06T10:00:00.000Z',
  updatedAt: '2026-12-06T10:00:00.000Z',
  ...over,
});

const paper = account({
  id: '00000000-0000-4000-8000-000000000002',
  kind: 'paper',
  name: 'Paper',
  primary: true,
  credentials: {},
  paperBalance: '100000.00',
});

describe('broker account view', () => {
  it('labels paper as virtual money, the default, and a status that stops trading', () => {
    expect(accountOptionLabel({ ...paper, isDefault: true })).toBe('Paper · virtual money · default');
    expect(accountOptionLabel({ ...paper, name: 'Practice' })).toBe('Practice (paper · virtual money)');
    expect(accountOptionLabel(account({ status: 'needs_login' }))).toBe('Zerodha main (Zerodha Kite) — needs login');
    expect(accountOptionLabel(account({ status: 'disabled' }))).toBe('Zerodha main (Zerodha Kite) — disabled');
  });

  it('preselects the default, else the first connected, else the first', () => {
    const kite = account({ status: 'needs_login' });
    expect(preselectedAccount([kite, { ...paper, isDefault: true }])?.id).toBe(paper.id);
    expect(preselectedAccount([kite, paper])?.id).toBe(paper.id);
    expect(preselectedAccount([kite])?.id).toBe(kite.id);
    expect(preselectedAccount([])).toBeNull();
  });

  it('sorts the default first, then those needing attention, then paper, then by name', () => {
    const b = account({ id: '00000000-0000-4000-8000-000000000003', name: 'B' });
    const a = account({ id: '00000000-0000-4000-8000-000000000004', name: 'A', isDefault: true });
    const c = account({ id: '00000000-0000-4000-8000-000000000005', name: 'C', status: 'needs_login' });
    expect(sortAccounts([b, paper, c, a]).map((x) => x.name)).toEqual(['A', 'C', 'Paper', 'B']);
  });

  it('sorts the primary paper account before paper accounts added later, those before live ones', () => {
    const added = { ...paper, id: '00000000-0000-4000-8000-000000000006', name: 'Another paper', primary: false };
    const live = account({ id: '00000000-0000-4000-8000-000000000007', name: 'A live one' });
    expect(sortAccounts([live, added, paper]).map((x) => x.name)).toEqual(['Paper', 'Another paper', 'A live one']);
  });

  it('ends a reason with one full stop', () => {
    expect(asSentence('Session expired at 06:00 IST')).toBe('Session expired at 06:00 IST.');
    expect(asSentence('Refused by Kite.')).toBe('Refused by Kite.');
  });

  it('finds the accounts whose browser login lapsed (not disabled or errored ones)', () => {
    const lapsed = account({ status: 'needs_login' });
    expect(accountsNeedingLogin([lapsed, account({ status: 'error' }), account({ status: 'disabled' }), paper])).toEqual([lapsed]);
  });

  it('reads the login callback outcome', () => {
    expect(loginOutcome(new URLSearchParams('login=ok'))).toEqual({ ok: true, reason: null });
    expect(loginOutcome(new URLSearchParams('login=failed&reason=state+expired'))).toEqual({ ok: false, reason: 'state expired' });
    expect(loginOutcome(new URLSearchParams('login=maybe'))).toBeNull();
    expect(loginOutcome(new URLSearchParams(''))).toBeNull();
  });
});
