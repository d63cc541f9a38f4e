import { useState } from 'react';
import type { Wallet } from '@tradeloop/contracts';
import type { Paise } from '@tradeloop/domain';
import { formatSignedInr, toPaise } from '../lib/money';
import { Money } from './Money';
import './WalletBalances.css';

interface WalletBalancesProps {
  wallet: Wallet | undefined;
  /** Tiles get `${testIdPrefix}-available` etc. */
  testIdPrefix: string;
  compact?: boolean;
}

const TILES = [
  { key: 'available', label: 'Available', hint: 'Free to trade or withdraw' },
  { key: 'held', label: 'Held', hint: 'Reserved for open orders' },
  { key: 'total', label: 'Total', hint: 'Available + held' },
] as const;

type TileKey = (typeof TILES)[number]['key'];

function changes(before: Wallet, after: Wallet): Partial<Record<TileKey, Paise>> {
  const deltas: Partial<Record<TileKey, Paise>> = {};
  for (const { key } of TILES) {
    const delta = toPaise(after[key]) - toPaise(before[key]);
    if (delta !== 0n) deltas[key] = delta;
  }
  return deltas;
}

/**
 * The three balances of one wallet. Amounts stay exact decimal strings end to end. When the
 * wallet changes while on screen, each moved balance flashes and shows by how much it moved.
 */
export function WalletBalances({ wallet, testIdPrefix, compact = false }: WalletBalancesProps) {
  const [shown, setShown] = useState(wallet);
  const [deltas, setDeltas] = useState<Partial<Record<TileKey, Paise>>>({});
  // Query data keeps its identity while the values are equal, so this runs only on real change.
  if (wallet !== shown) {
    if (shown && wallet) setDeltas(changes(shown, wallet));
    setShown(wallet);
  }

  return (
    <div className={`balance-tiles${compact ? ' balance-tiles-compact' : ''}`}>
      {TILES.map((tile) => {
        const delta = deltas[tile.key];
        return (
          <section key={tile.key} className={`balance-tile balance-tile-${tile.key}`} aria-label={`${tile.label} balance`}>
            <span className="balance-label">
              {tile.label}
              {delta !== undefined && wallet && (
                // Re-keyed by the new value so the animation replays for every change.
                <span
                  key={wallet[tile.key]}
                  className={`balance-delta ${delta > 0n ? 'money-positive' : 'money-negative'}`}
                  data-testid={`${testIdPrefix}-${tile.key}-delta`}
                >
                  {formatSignedInr(delta)}
                </span>
              )}
            </span>
            {wallet ? (
              <Money
                key={wallet[tile.key]}
                value={wallet[tile.key]}
                className={`balance-value${delta !== undefined ? ' balance-value-changed' : ''}`}
                testId={`${testIdPrefix}-${tile.key}`}
              />
            ) : (
              <span className="balance-value balance-value-loading" aria-busy="true">
                ₹—
              </span>
            )}
            {!compact && <span className="balance-hint">{tile.hint}</span>}
          </section>
        );
      })}
    </div>
  );
}
