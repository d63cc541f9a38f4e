/*
 * The quick buttons of the selected watchlist row, with what a click would trade shown before it lands.
 *
 * Test ids:
 *   quick-strip-<SYMBOL>       the strip; data-mode = the row's trade mode (EQUITY|FUTURES|OPTIONS), data-pending
 *   quick-<BUTTON>-<SYMBOL>    a button: BUY, SELL, CE+, CE-, PE+, PE-, EXIT (data-quick = the button; title names its key)
 *   quick-preview-<SIDE>       the contract and quantity a click would trade: SIDE = CE | PE (options) or TRADE;
 *                              data-symbol, data-quantity, data-lots ("" and data-error when it cannot resolve)
 *   quick-result               the row's last click: data-tone (success|warning|error), its title ("2/2 accepted") and each account's line
 *   quick-result-error-<field> a refusal naming a field (expiry, optionLeg, …)
 */
import { useEffect, useRef } from 'react';
import type { Leg, TradeMode } from '@tradeloop/contracts';
import { Kbd } from '../../../components/Kbd';
import type { QuoteBook } from '../quote-book';
import { useInstrument } from '../orders-api';
import { useLiveQuote } from '../useLiveQuotes';
import { useDerivatives, useEffectiveSettings } from './quick-api';
import {
  istToday,
  lotsText,
  previewQuick,
  QUICK_BUTTON_LABEL,
  QUICK_BUTTON_TITLE,
  quickKeyLabel,
  rowButtons,
  rowMode,
  rowModes,
  settingsField,
  underlyingOf,
  type Preview,
  type QuickButton,
} from './quick-trade';
import type { QuickTrade } from './useQuickTrade';

interface QuickStripProps {
  symbol: string;
  book: QuoteBook;
  quick: QuickTrade;
  legs: readonly Leg[];
}

/** The row's mode and buttons, from its instrument and its underlying's derivatives (both cached). */
export function useRowTrading(symbol: string, listMode: TradeMode) {
  const instrument = useInstrument(symbol);
  const row = instrument.data ?? null;
  const underlying = row ? underlyingOf(row) : null;
  const derivatives = useDerivatives(underlying);
  const chain = derivatives.data ?? [];
  const mode = row && derivatives.data ? rowMode(listMode, rowModes(row, chain)) : null;
  return { row, underlying, chain, mode, buttons: rowButtons(mode), loading: instrument.isPending || derivatives.isPending };
}

export function QuickStrip({ symbol, book, quick, legs }: QuickStripProps) {
  const { row, underlying, chain, mode, buttons, loading } = useRowTrading(symbol, quick.prefs.mode);
  const settings = useEffectiveSettings(quick.watchlistId, symbol);
  const underlyingQuote = useLiveQuote(book, underlying);
  const pending = quick.pending.has(symbol);
  const outcome = quick.outcomes[symbol];
  const today = istToday(new Date());
  // The row grew by this strip after the list scrolled it into view: keep the buttons in view too.
  const stripRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    stripRef.current?.scrollIntoView({ block: 'nearest' });
  }, [symbol]);

  const preview = (button: QuickButton): Preview | null =>
    row && mode && quick.watchlistId
      ? previewQuick({
          row,
          chain,
          mode,
          button,
          optionLeg: quick.prefs.optionLeg,
          expiry: quick.prefs.expiry,
          underlyingLtp: underlyingQuote?.ltp,
          settings: settings.data,
          legs,
          watchlistId: quick.watchlistId,
          today,
        })
      : null;
  const previews: { side: string; preview: Preview | null }[] =
    mode === 'OPTIONS'
      ? [
          { side: 'CE', preview: preview('CE+') },
          { side: 'PE', preview: preview('PE+') },
        ]
      : [{ side: 'TRADE', preview: preview('BUY') }];
  const exit = preview('EXIT');

  const title = (button: QuickButton): string => {
    const p = button === 'EXIT' ? exit : (previews.find((x) => button.startsWith(x.side))?.preview ?? previews[0]?.preview);
    const what =
      p?.ok && p.kind === 'trade'
        ? ` — ${p.symbol}, ${lotsText(p.lots, p.quantity)}`
        : p?.ok && p.kind === 'exit'
          ? ` — ${p.symbols.join(', ')}`
          : '';
    return `${QUICK_BUTTON_TITLE[button]}${what} (key ${quickKeyLabel(button)})`;
  };

  return (
    <div ref={stripRef} className="quick-strip" data-testid={`quick-strip-${symbol}`} data-mode={mode ?? ''} data-pending={pending}>
      {loading ? (
        <span className="muted quick-note">Loading {symbol}…</span>
      ) : buttons.length === 0 ? (
        <span className="muted quick-note">{symbol} cannot be traded from here.</span>
      ) : (
        <>
          <div className="quick-buttons" role="group" aria-label={`Quick orders for ${symbol}`}>
            {mode !== 'OPTIONS' && mode !== 'EQUITY' && <span className="quick-mode-tag">{mode === 'FUTURES' ? 'FUT' : ''}</span>}
            {buttons.map((button) => (
              <button
                key={button}
                type="button"
                tabIndex={-1}
                className={`quick-button quick-button-${button.endsWith('-') || button === 'SELL' ? 'sell' : button === 'EXIT' ? 'exit' : 'buy'}`}
                disabled={pending || (button === 'EXIT' && !exit?.ok)}
                title={title(button)}
                aria-label={`${QUICK_BUTTON_LABEL[button]}: ${title(button)}`}
                onClick={(event) => {
                  // The row's own click (select and chart) is for the rest of the strip.
                  event.stopPropagation();
                  if (mode) quick.fire(symbol, button, mode);
                }}
                data-quick={button}
                data-testid={`quick-${button}-${symbol}`}
              >
                {QUICK_BUTTON_LABEL[button]}
              </button>
            ))}
          </div>
          <div className="quick-previews">
            {previews.map(({ side, preview: p }) => (
              <PreviewLine key={side} side={side} preview={p} />
            ))}
          </div>
        </>
      )}
      {outcome && <Outcome outcome={outcome} />}
    </div>
  );
}

function PreviewLine({ side, preview }: { side: string; preview: Preview | null }) {
  const trade = preview?.ok && preview.kind === 'trade' ? preview : null;
  const error = preview && !preview.ok ? preview : null;
  return (
    <span
      className="quick-preview mono"
      data-testid={`quick-preview-${side}`}
      data-symbol={trade?.symbol ?? ''}
      data-quantity={trade?.quantity ?? ''}
      data-lots={trade?.lots ?? ''}
      data-error={error?.message ?? ''}
    >
      {side !== 'TRADE' && <span className="quick-preview-side">{side}</span>}
      {trade ? (
        <>
          {trade.symbol}
          {trade.anchored && <span className="muted"> (held)</span>}
          <span className="muted"> · {lotsText(trade.lots, trade.quantity)}</span>
        </>
      ) : (
        <span className="muted">{error ? error.message : '…'}</span>
      )}
    </span>
  );
}

function Outcome({ outcome }: { outcome: NonNullable<QuickTrade['outcomes'][string]> }) {
  if (outcome.kind === 'error') {
    return (
      <div className="quick-result quick-result-error" role="alert" data-testid="quick-result" data-tone="error">
        <strong>Refused:</strong> {outcome.message}
        {outcome.fields.map((f) => (
          <span key={f.field + f.message} className="quick-field-error" data-testid={`quick-result-error-${settingsField(f.field)}`}>
            {settingsField(f.field)}: {f.message}
          </span>
        ))}
      </div>
    );
  }
  // Every account's line is in the toast and this box's tooltip; the box itself keeps to what went wrong.
  const { summary } = outcome;
  return (
    <div
      className={`quick-result quick-result-${summary.tone}`}
      role="status"
      title={summary.lines.join('\n')}
      data-testid="quick-result"
      data-tone={summary.tone}
    >
      <span>
        <strong>{summary.title}</strong>
        {outcome.symbol && <span className="mono"> · {outcome.symbol}</span>}
      </span>
      {summary.problems.map((line) => (
        <span key={line} className="quick-result-line">
          {line}
        </span>
      ))}
    </div>
  );
}

/** The keys of the quick actions, shown under the list (each spelled out in its tooltip and on each button). */
export function QuickKeysHint() {
  return (
    <span
      className="quick-keys muted"
      data-testid="quick-keys-hint"
      title="With the watchlist focused, on the selected row: ⇧B buy, ⇧S sell, 1 CE+, 2 CE−, 3 PE+, 4 PE−, X exit the row, ⇧X exit all"
    >
      Quick keys: <Kbd>⇧B</Kbd> <Kbd>⇧S</Kbd> · <Kbd>1</Kbd>–<Kbd>4</Kbd> CE± PE± · <Kbd>X</Kbd> exit · <Kbd>⇧X</Kbd> all
    </span>
  );
}
