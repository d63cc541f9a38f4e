import { useCallback, useRef, useState } from 'react';
import { toast } from 'sonner';
import { OptionLegSchema, type QuickOrderRequest, type TradeMode } from '@tradeloop/contracts';
import { describeError } from '../../../lib/api';
import { useBrokerAccounts } from '../../brokers/broker-accounts-api';
import { useQuickOrder } from './quick-api';
import { newIntentId, QUICK_BUTTON_ACTION, summarizeIntent, type IntentSummary, type QuickButton } from './quick-trade';

/** How a watchlist's rows trade: kept per watchlist in this browser. */
export interface QuickPrefs {
  mode: TradeMode;
  optionLeg: string;
  expiry: 'weekly' | 'monthly';
}
const DEFAULT_PREFS: QuickPrefs = { mode: 'OPTIONS', optionLeg: 'ATM', expiry: 'weekly' };
const storageKey = (watchlistId: string) => `tradeloop.quick.${watchlistId}`;

function readPrefs(watchlistId: string | null): QuickPrefs {
  if (!watchlistId) return DEFAULT_PREFS;
  try {
    const raw = JSON.parse(localStorage.getItem(storageKey(watchlistId)) ?? 'null') as Partial<QuickPrefs> | null;
    if (!raw) return DEFAULT_PREFS;
    return {
      mode: raw.mode === 'EQUITY' || raw.mode === 'FUTURES' || raw.mode === 'OPTIONS' ? raw.mode : DEFAULT_PREFS.mode,
      optionLeg: OptionLegSchema.safeParse(raw.optionLeg).success ? raw.optionLeg! : DEFAULT_PREFS.optionLeg,
      expiry: raw.expiry === 'monthly' ? 'monthly' : 'weekly',
    };
  } catch {
    return DEFAULT_PREFS;
  }
}

/** The outcome of a row's last click: each account's result, or why the click itself was refused. */
export type QuickOutcome =
  | { button: QuickButton | 'EXIT_ALL'; kind: 'result'; summary: IntentSummary; symbol: string | null; targetQuantity: number | null }
  | { button: QuickButton | 'EXIT_ALL'; kind: 'error'; message: string; fields: { field: string; message: string }[] };

export interface QuickTrade {
  watchlistId: string | null;
  prefs: QuickPrefs;
  setPrefs: (change: Partial<QuickPrefs>) => void;
  /** Rows (symbols, or '*' for exit-all) with a click in flight. */
  pending: ReadonlySet<string>;
  outcomes: Readonly<Record<string, QuickOutcome>>;
  /** Sends one click of `button` on `symbol` in `mode`; ignored while that row's previous click is in flight. */
  fire: (symbol: string, button: QuickButton | 'EXIT_ALL', mode: TradeMode) => void;
}

/**
 * One click = one intent with a fresh intentId (docs/watchlist-trading.md "Intents"). A row's
 * buttons are disabled while its click is in flight, and a second click in the same frame is
 * dropped here before it is sent (the server is idempotent by intentId anyway).
 */
export function useQuickTrade(watchlistId: string | null): QuickTrade {
  const [prefsByList, setPrefsByList] = useState<Record<string, QuickPrefs>>({});
  const prefs = (watchlistId && prefsByList[watchlistId]) || readPrefs(watchlistId);
  const setPrefs = useCallback(
    (change: Partial<QuickPrefs>) => {
      if (!watchlistId) return;
      setPrefsByList((all) => {
        const next = { ...(all[watchlistId] ?? readPrefs(watchlistId)), ...change };
        try {
          localStorage.setItem(storageKey(watchlistId), JSON.stringify(next));
        } catch {
          // Private mode: the choice lasts for this page only.
        }
        return { ...all, [watchlistId]: next };
      });
    },
    [watchlistId],
  );

  const accounts = useBrokerAccounts();
  const accountList = accounts.data?.items;
  const { mutate: sendQuick } = useQuickOrder();
  const inFlight = useRef(new Set<string>());
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const [outcomes, setOutcomes] = useState<Record<string, QuickOutcome>>({});

  const fire = useCallback(
    (symbol: string, button: QuickButton | 'EXIT_ALL', mode: TradeMode) => {
      if (!watchlistId) return;
      const slot = button === 'EXIT_ALL' ? '*' : symbol;
      if (inFlight.current.has(slot)) return;
      inFlight.current.add(slot);
      setPending(new Set(inFlight.current));
      const action = button === 'EXIT_ALL' ? 'EXIT_ALL' : QUICK_BUTTON_ACTION[button];
      const optionAction = action.endsWith('_CE') || action.endsWith('_PE');
      const body: QuickOrderRequest = {
        intentId: newIntentId(),
        watchlistId,
        symbol,
        action,
        tradeMode: mode,
        ...(optionAction ? { optionLeg: prefs.optionLeg, expiry: prefs.expiry } : {}),
      };
      const name = (id: string) => accountList?.find((a) => a.id === id)?.name ?? `account …${id.slice(-4)}`;
      sendQuick(body, {
        onSuccess: (response) => {
          const summary = summarizeIntent(response, name);
          const what = response.intent.instrument?.symbol ?? (action === 'EXIT_ALL' ? 'Exit all' : `${symbol} ${action}`);
          const show = summary.tone === 'success' ? toast.success : summary.tone === 'warning' ? toast.warning : toast.error;
          show(`${what}: ${summary.title}`, { description: summary.lines.join('\n'), className: 'toast quick-toast' });
          setOutcomes((all) => ({
            ...all,
            [slot]: {
              button,
              kind: 'result',
              summary,
              symbol: response.intent.instrument?.symbol ?? null,
              targetQuantity: response.intent.targetQuantity,
            },
          }));
        },
        onError: (error) => {
          const fields = (error as { fieldErrors?: { field: string; message: string }[] }).fieldErrors ?? [];
          toast.error(`${symbol}: the click was refused`, { description: describeError(error) });
          setOutcomes((all) => ({ ...all, [slot]: { button, kind: 'error', message: describeError(error), fields } }));
        },
        onSettled: () => {
          inFlight.current.delete(slot);
          setPending(new Set(inFlight.current));
        },
      });
    },
    [watchlistId, prefs.optionLeg, prefs.expiry, sendQuick, accountList],
  );

  return { watchlistId, prefs, setPrefs, pending, outcomes, fire };
}
