/*
 * Trade → Market watch: the order ticket (right of the chart).
 *
 * Test ids:
 *   order-ticket                 the open ticket (data-side, data-symbol, data-lot-size)
 *   ticket-open-buy / -sell      the Buy / Sell buttons shown while the ticket is closed (keys B / S); disabled under a kill switch
 *   ticket-halted                why new orders are refused under a kill switch (data-scope self | global | both); the submit is disabled
 *   ticket-close                 closes the ticket (also Esc)
 *   ticket-account               the broker account (default preselected; data-account-id, data-status);
 *                                ticket-account-login logs in to a picked account that needs it
 *   ticket-symbol                the instrument box (prefilled from the charted / selected row)
 *   ticket-symbol-option-<SYM>   a search match
 *   ticket-side-buy / -sell      BUY / SELL toggle (aria-pressed)
 *   ticket-type-<T>              MARKET | LIMIT | SL | SL-M (aria-pressed)
 *   ticket-quantity              quantity in lots
 *   ticket-units                 "= N units" (data-units)
 *   ticket-price                 limit price (LIMIT, SL)
 *   ticket-trigger               trigger price (SL, SL-M)
 *   ticket-product-<P>           CNC | MIS (equities), NRML | MIS (derivatives)
 *   ticket-estimate              estimated value, charges and hold (data-hold, data-fees)
 *   ticket-submit                places the order (one Idempotency-Key per submission)
 *   ticket-field-error-<field>   a field's error (symbol, quantity, price, triggerPrice, product)
 *   ticket-error                 banner for refusals (data-code: INSUFFICIENT_FUNDS, RISK_REJECTED,
 *                                KILL_SWITCH_ENGAGED, BROKER_LOGIN_REQUIRED, ACCOUNT_DISABLED, …) and
 *                                other failures; ticket-error-login logs in to the refused account
 *   ticket-placed                the last placed order (data-order-id; data-status: its live status from the orders list)
 *   trade-wallet-available / trade-wallet-held   the trader's wallet, live (what live accounts' orders hold)
 *   trade-paper-available / trade-paper-held     the paper account's book instead, when it is the account picked
 *
 * The submit button sits in a footer that sticks to the bottom of the panel, so it stays in sight
 * however tall the ticket grows.
 *
 * The form's state and submission: ticket/useOrderTicketForm.ts (its pure logic in
 * ticket/order-ticket-form.ts); the pieces it is drawn with: ticket/*.tsx.
 */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { BrokerAccount, PositionDto, Wallet } from '@tradeloop/contracts';
import { isApiError } from '../../lib/api';
import { Kbd } from '../../components/Kbd';
import { Money } from '../../components/Money';
import { useBrokerAccounts, useBrokerLogin, useBrokerView } from '../brokers/broker-accounts-api';
import { hasBrowserLogin, loginLabel, preselectedAccount, sortAccounts } from '../brokers/broker-account-view';
import { useWallet } from '../wallet/wallet-api';
import type { QuoteBook } from './quote-book';
import { SymbolField } from './ticket/SymbolField';
import { LoginButton, TicketAccount } from './ticket/TicketAccount';
import { TicketBanner } from './ticket/TicketBanner';
import { TicketEstimate } from './ticket/TicketEstimate';
import { FieldError, TicketProduct, TicketQuantityRow, TicketTypes } from './ticket/TicketFields';
import { TicketHeader, TicketQuote } from './ticket/TicketHeader';
import { useOrderTicketForm, type TicketState } from './ticket/useOrderTicketForm';
import { useTradingHalt } from './KillSwitchBanner';
import { useOrders } from './orders-api';
import { HALT_STILL_ALLOWED, haltHeadline, type TradingHalt } from './trading-halt';

export type { TicketState } from './ticket/useOrderTicketForm';

interface OrderTicketProps {
  ticket: TicketState | null;
  /** Offered when the ticket is closed (the charted instrument). */
  defaultSymbol: string | null;
  book: QuoteBook;
  positions: readonly PositionDto[];
  onChange: (ticket: TicketState | null) => void;
}

/** The wallet's balances: the money a live account's orders hold. */
function WalletFunds({ wallet }: { wallet: Wallet | undefined }) {
  return (
    <div className="ticket-funds" data-book="wallet">
      <span className="ticket-funds-item">
        <span className="muted">Available</span>
        {wallet ? <Money value={wallet.available} testId="trade-wallet-available" /> : <span className="money mono">₹—</span>}
      </span>
      <span className="ticket-funds-item">
        <span className="muted">Held</span>
        {wallet ? <Money value={wallet.held} testId="trade-wallet-held" /> : <span className="money mono">₹—</span>}
      </span>
    </div>
  );
}

/** A paper account's own book (virtual money): what its orders hold, refreshed as its orders move. */
function PaperFunds({ account }: { account: BrokerAccount }) {
  const funds = useBrokerView(account.id, 'funds', account.status === 'connected');
  return (
    <div className="ticket-funds" data-book="paper">
      <span className="ticket-funds-item">
        <span className="muted">Paper available</span>
        {funds.data ? <Money value={funds.data.availableCash} testId="trade-paper-available" /> : <span className="money mono">₹—</span>}
      </span>
      <span className="ticket-funds-item">
        <span className="muted">Paper held</span>
        {funds.data ? <Money value={funds.data.usedMargin} testId="trade-paper-held" /> : <span className="money mono">₹—</span>}
      </span>
    </div>
  );
}

/** The ticket column: the picked account's balances, then either the open ticket or Buy / Sell buttons. */
export function OrderTicketPanel({ ticket, defaultSymbol, book, positions, onChange }: OrderTicketProps) {
  const wallet = useWallet();
  // A kill switch (own or global) halts new orders: the ticket says so and cannot submit; square-off stays in Positions.
  const halt = useTradingHalt();
  // The account picked stays picked across instruments and sides while the page is open.
  const brokerAccounts = useBrokerAccounts();
  const [accountChoice, setAccountChoice] = useState<string | null>(null);
  const accounts = sortAccounts(brokerAccounts.data?.items ?? []);
  const account = accounts.find((a) => a.id === accountChoice) ?? preselectedAccount(accounts);
  return (
    <aside className="ticket-panel" aria-label="Order ticket">
      {account?.kind === 'paper' ? <PaperFunds account={account} /> : <WalletFunds wallet={wallet.data} />}
      {ticket ? (
        <OrderTicket
          key={ticket.symbol}
          ticket={ticket}
          book={book}
          positions={positions}
          onChange={onChange}
          accounts={accounts}
          account={account}
          onAccount={setAccountChoice}
          halt={halt}
        />
      ) : (
        <div className="ticket-closed">
          {halt ? (
            <TicketHalted halt={halt} />
          ) : (
            <p className="muted">{defaultSymbol ? `Place an order for ${defaultSymbol}` : 'Chart an instrument to place an order.'}</p>
          )}
          <div className="ticket-closed-actions">
            <button
              type="button"
              className="button ticket-buy-button"
              disabled={!defaultSymbol || halt !== null}
              onClick={() => defaultSymbol && onChange({ symbol: defaultSymbol, side: 'BUY' })}
              data-testid="ticket-open-buy"
            >
              Buy <Kbd>B</Kbd>
            </button>
            <button
              type="button"
              className="button ticket-sell-button"
              disabled={!defaultSymbol || halt !== null}
              onClick={() => defaultSymbol && onChange({ symbol: defaultSymbol, side: 'SELL' })}
              data-testid="ticket-open-sell"
            >
              Sell <Kbd>S</Kbd>
            </button>
          </div>
        </div>
      )}
    </aside>
  );
}

function OrderTicket({
  ticket,
  book,
  positions,
  onChange,
  accounts,
  account,
  onAccount,
  halt,
}: {
  ticket: TicketState;
  book: QuoteBook;
  positions: readonly PositionDto[];
  onChange: (t: TicketState | null) => void;
  accounts: readonly BrokerAccount[];
  account: BrokerAccount | null;
  onAccount: (id: string) => void;
  halt: TradingHalt | null;
}) {
  const form = useOrderTicketForm({ ticket, book, positions, accountId: account?.id ?? null });
  const { symbol, side } = form;
  const loginRefused = form.banner !== null && isApiError(form.banner) && form.banner.code === 'BROKER_LOGIN_REQUIRED';
  const disabledRefused = form.banner !== null && isApiError(form.banner) && form.banner.code === 'ACCOUNT_DISABLED';
  return (
    <form
      className={`order-ticket order-ticket-${side.toLowerCase()}`}
      onSubmit={form.submit}
      noValidate
      data-testid="order-ticket"
      data-side={side}
      data-symbol={symbol}
      data-lot-size={form.lotSize}
    >
      <TicketHeader side={side} onSide={(s) => onChange({ symbol, side: s })} onClose={() => onChange(null)} />
      {/* Refusals first, where they cannot be scrolled out of sight in a short ticket. */}
      {form.banner && (
        <TicketBanner
          error={form.banner}
          action={
            loginRefused && account && hasBrowserLogin(account.kind) ? (
              <RefusedLogin account={account} />
            ) : disabledRefused ? (
              <Link to="/account/brokers">Manage broker accounts</Link>
            ) : undefined
          }
        />
      )}
      {accounts.length > 0 && (
        <TicketAccount accounts={accounts} account={account} onPick={onAccount} offerLogin={!loginRefused && !disabledRefused} />
      )}
      <SymbolField symbol={symbol} onPick={(s) => onChange({ symbol: s, side })} />
      <FieldError form={form} field="symbol" />
      <TicketQuote form={form} />
      <TicketTypes form={form} />
      <TicketQuantityRow form={form} />
      <TicketProduct form={form} />
      <TicketEstimate estimate={form.estimate} side={side} />
      <div className="ticket-footer">
        {halt && <TicketHalted halt={halt} />}
        {form.placed && !form.banner && <PlacedLine placed={form.placed} />}
        <button
          type="submit"
          className={`button button-block ticket-submit ticket-submit-${side.toLowerCase()}`}
          disabled={form.pending || halt !== null}
          data-testid="ticket-submit"
        >
          {form.pending ? 'Placing…' : form.submitLabel}
        </button>
      </div>
    </form>
  );
}

/** The order just placed, with its status as the blotter has it now (realtime), not as it was when placed. */
function PlacedLine({ placed }: { placed: { id: string; text: string; status: string } }) {
  const orders = useOrders();
  const status = orders.data?.items.find((o) => o.id === placed.id)?.status ?? placed.status;
  return (
    <p className="ticket-placed" role="status" data-testid="ticket-placed" data-order-id={placed.id} data-status={status}>
      Placed: {placed.text} · {status}
    </p>
  );
}

/** Under a kill switch: why new orders are refused, and what still goes. */
function TicketHalted({ halt }: { halt: TradingHalt }) {
  return (
    <p className="ticket-halted" data-testid="ticket-halted" data-scope={halt.scope}>
      <strong>{haltHeadline(halt)}.</strong> {HALT_STILL_ALLOWED}
    </p>
  );
}

/** The refused account's login, one click from the refusal. */
function RefusedLogin({ account }: { account: BrokerAccount }) {
  const login = useBrokerLogin();
  return (
    <span className="ticket-banner-action">
      <LoginButton
        label={loginLabel(account.kind)}
        pending={login.isPending}
        onClick={() => login.mutate(account.id)}
        testId="ticket-error-login"
      />
    </span>
  );
}
