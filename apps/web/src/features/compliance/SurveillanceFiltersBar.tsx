import { BROKER_KINDS, PLACED_BY } from '@tradeloop/contracts';
import { ORDER_SIDES, ORDER_STATUSES } from '@tradeloop/domain';
import { FilterBar, FilterField, FilterRefresh, FilterSelect, FilterSpacer } from '../../components/FilterBar';
import { UserFilter } from '../../components/UserFilter';
import { shortId, zoneLabel } from '../../lib/format';
import { EMPTY_SURVEILLANCE_FILTERS, rangeProblem, type SurveillanceFilters, type SurveillanceTab } from './surveillance-filters';

const STATUS_OPTIONS = [
  { value: 'open', label: 'Working (any open)' },
  ...ORDER_STATUSES.map((s) => ({ value: s, label: s.replace('_', ' ') })),
] as const;
const ACCOUNT_OPTIONS = BROKER_KINDS.map((k) => ({
  value: k,
  label: k === 'paper' ? 'Paper' : k === 'kite' ? 'Kite' : k === 'upstox' ? 'Upstox' : 'OpenAlgo',
}));
const PLACED_BY_OPTIONS = PLACED_BY.map((p) => ({ value: p, label: p === 'person' ? 'A person' : 'A strategy' }));

interface SurveillanceFiltersBarProps {
  tab: SurveillanceTab;
  filters: SurveillanceFilters;
  onChange: (next: SurveillanceFilters) => void;
  onRefresh: () => void;
  refreshing: boolean;
}

/** Who, what and when; filters apply as they are chosen and are kept across the two tabs. */
export function SurveillanceFiltersBar({ tab, filters, onChange, onRefresh, refreshing }: SurveillanceFiltersBarProps) {
  const range = rangeProblem(filters);
  const active = Object.entries(filters).some(([, v]) => v !== '');
  const set = <K extends keyof SurveillanceFilters>(key: K, value: SurveillanceFilters[K]) => onChange({ ...filters, [key]: value });
  return (
    <FilterBar label="Surveillance filters" onSubmit={onRefresh}>
      <UserFilter
        userId={filters.userId}
        onChange={(userId) => set('userId', userId)}
        label="Filter by trader: email or name"
        placeholder="Trader: email or name"
        testId="surveillance-user-filter"
      />
      <FilterField label="Symbol">
        <input
          type="text"
          className="input mono surveillance-symbol"
          value={filters.symbol}
          onChange={(e) => set('symbol', e.target.value)}
          placeholder="Any"
          maxLength={40}
          autoComplete="off"
          spellCheck={false}
          aria-label="Symbol (exact)"
          data-testid="surveillance-symbol"
        />
      </FilterField>
      <FilterSelect
        label="Side"
        value={filters.side}
        onChange={(side) => set('side', side)}
        options={ORDER_SIDES}
        anyLabel="Both"
        testId="surveillance-side"
      />
      {tab === 'orders' && (
        <FilterSelect
          label="Status"
          value={filters.status}
          onChange={(status) => set('status', status)}
          options={STATUS_OPTIONS}
          anyLabel="Any"
          testId="surveillance-status"
        />
      )}
      <FilterSelect
        label="Account"
        value={filters.accountKind}
        onChange={(accountKind) => set('accountKind', accountKind)}
        options={ACCOUNT_OPTIONS}
        anyLabel="Any"
        testId="surveillance-account-kind"
      />
      {tab === 'orders' && (
        <FilterSelect
          label="Placed by"
          value={filters.placedBy}
          onChange={(placedBy) => set('placedBy', placedBy)}
          options={PLACED_BY_OPTIONS}
          anyLabel="Anyone"
          testId="surveillance-placed-by"
        />
      )}
      {tab === 'trades' && filters.orderId && (
        <span className="user-filter-selected" data-testid="surveillance-order-filter" title={filters.orderId}>
          <span>
            Order <span className="mono">{shortId(filters.orderId)}</span>
          </span>
          <button
            type="button"
            className="icon-button"
            aria-label="Every order's fills"
            title="Every order's fills"
            onClick={() => set('orderId', '')}
            data-testid="surveillance-order-filter-clear"
          >
            ×
          </button>
        </span>
      )}
      <FilterField label="From">
        <input
          type="datetime-local"
          className="input input-datetime"
          value={filters.from}
          onChange={(e) => set('from', e.target.value)}
          aria-invalid={range ? true : undefined}
          data-testid="surveillance-from"
        />
      </FilterField>
      <FilterField label="To" title={tab === 'orders' ? 'Orders placed strictly before this moment' : 'Fills strictly before this moment'}>
        <input
          type="datetime-local"
          className="input input-datetime"
          value={filters.to}
          onChange={(e) => set('to', e.target.value)}
          aria-invalid={range ? true : undefined}
          data-testid="surveillance-to"
        />
      </FilterField>
      <span className="field-hint" title="Dates are in the display zone (Account → Preferences); they are sent to the server in UTC">
        {zoneLabel()}
      </span>
      {range && <span className="field-error">{range}</span>}
      {active && (
        <button
          type="button"
          className="button button-ghost"
          onClick={() => onChange(EMPTY_SURVEILLANCE_FILTERS)}
          data-testid="surveillance-clear-filters"
        >
          Clear
        </button>
      )}
      <FilterSpacer />
      <FilterRefresh refreshing={refreshing} />
    </FilterBar>
  );
}
