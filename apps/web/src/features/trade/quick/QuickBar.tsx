/*
 * The watchlist's quick-trading choices: its trade mode, the option leg and expiry its option
 * buttons trade, exit-all, and the settings editor.
 *
 * Test ids:
 *   quick-bar                  the bar (data-mode, data-leg, data-expiry)
 *   quick-mode-<MODE>          EQUITY | FUTURES | OPTIONS (aria-pressed)
 *   quick-leg                  ATM, ITM1…ITM5, OTM1…OTM5
 *   quick-expiry               weekly | monthly
 *   quick-exit-all             flattens every leg of this watchlist (key ⇧X)
 *   quick-settings-open        opens the settings editor (SettingsDrawer.tsx)
 */
import { TRADE_MODES, type TradeMode } from '@tradeloop/contracts';
import { quickKeyLabel } from './quick-trade';
import type { QuickTrade } from './useQuickTrade';

const MODE_LABEL: Record<TradeMode, { short: string; title: string }> = {
  EQUITY: { short: 'EQ', title: 'Equity: B / S trade the row itself' },
  FUTURES: { short: 'FUT', title: "Futures: B / S trade the nearest monthly future of the row's underlying" },
  OPTIONS: { short: 'OPT', title: "Options: CE± / PE± trade an option of the row's underlying" },
};
const LEGS = ['ITM5', 'ITM4', 'ITM3', 'ITM2', 'ITM1', 'ATM', 'OTM1', 'OTM2', 'OTM3', 'OTM4', 'OTM5'];

export function QuickBar({
  quick,
  anyOpen,
  selected,
  onSettings,
}: {
  quick: QuickTrade;
  /** Whether this watchlist has open legs (exit-all has something to do). */
  anyOpen: boolean;
  selected: string | null;
  onSettings: () => void;
}) {
  const { prefs, setPrefs } = quick;
  const disabled = !quick.watchlistId;
  return (
    <div className="quick-bar" data-testid="quick-bar" data-mode={prefs.mode} data-leg={prefs.optionLeg} data-expiry={prefs.expiry}>
      <div className="segmented quick-modes" role="group" aria-label="Trade mode of this watchlist">
        {TRADE_MODES.map((mode) => (
          <button
            key={mode}
            type="button"
            className="segment"
            aria-pressed={prefs.mode === mode}
            title={MODE_LABEL[mode].title}
            disabled={disabled}
            onClick={() => setPrefs({ mode })}
            data-testid={`quick-mode-${mode}`}
          >
            {MODE_LABEL[mode].short}
          </button>
        ))}
      </div>
      <select
        className="select quick-select"
        aria-label="Option leg"
        title="Which strike the option buttons trade"
        value={prefs.optionLeg}
        disabled={disabled || prefs.mode !== 'OPTIONS'}
        onChange={(e) => setPrefs({ optionLeg: e.target.value })}
        data-testid="quick-leg"
      >
        {LEGS.map((leg) => (
          <option key={leg} value={leg}>
            {leg}
          </option>
        ))}
      </select>
      <select
        className="select quick-select"
        aria-label="Expiry"
        title="Nearest weekly or nearest monthly expiry"
        value={prefs.expiry}
        disabled={disabled || prefs.mode !== 'OPTIONS'}
        onChange={(e) => setPrefs({ expiry: e.target.value === 'monthly' ? 'monthly' : 'weekly' })}
        data-testid="quick-expiry"
      >
        <option value="weekly">Weekly</option>
        <option value="monthly">Monthly</option>
      </select>
      <span className="quick-bar-end">
        <button
          type="button"
          className="button button-small quick-exit-all"
          disabled={disabled || !anyOpen || quick.pending.has('*') || !selected}
          title={`Exit every leg of this watchlist (key ${quickKeyLabel('EXIT_ALL')})`}
          onClick={() => selected && quick.fire(selected, 'EXIT_ALL', prefs.mode)}
          data-testid="quick-exit-all"
        >
          Exit all
        </button>
        <button
          type="button"
          className="icon-button quick-settings"
          aria-label="Quick-trade settings"
          title="Quick-trade settings: TP / SL / trailing stop, lots, accounts"
          disabled={disabled}
          onClick={onSettings}
          data-testid="quick-settings-open"
        >
          ⚙
        </button>
      </span>
    </div>
  );
}
