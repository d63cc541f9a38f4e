import type { ComplianceCase } from '@tradeloop/contracts';
import { Drawer } from '../../components/Drawer';
import { UserName } from '../../components/UserName';
import { formatDateTime } from '../../lib/format';
import { useUserDirectory } from '../../lib/user-directory';
import { caseFigures, kindLabel } from './case-format';

interface CaseDrawerProps {
  c: ComplianceCase | null;
  onClose: () => void;
  canResolve: boolean;
  onResolve: (c: ComplianceCase) => void;
  onAccountClick: (accountId: string) => void;
}

/** One case: what it is about, each side's figures, and how it was resolved (or the action to). */
export function CaseDrawer({ c, onClose, canResolve, onResolve, onAccountClick }: CaseDrawerProps) {
  const people = useUserDirectory([c?.userId]);
  return (
    <Drawer open={c !== null} title={c ? kindLabel(c.kind) : 'Case'} onClose={onClose} testId="case-details">
      {c && (
        <div className="stack" data-case-id={c.id}>
          <div className="row">
            <span className={`chip ${c.status === 'open' ? 'chip-negative' : 'chip-positive'}`} data-testid="case-details-status">
              {c.status === 'open' ? 'Open' : 'Resolved'}
            </span>
            <span className={`chip ${c.severity === 'info' ? 'chip-neutral' : 'chip-warning'}`}>{c.severity}</span>
            <div className="toolbar-spacer" />
            {c.status === 'open' &&
              (canResolve ? (
                <button type="button" className="button button-primary" onClick={() => onResolve(c)} data-testid="case-resolve">
                  Resolve…
                </button>
              ) : (
                <span className="muted small">Compliance resolves cases.</span>
              ))}
          </div>
          <dl className="properties properties-compact">
            <dt>Kind</dt>
            <dd className="mono">{c.kind}</dd>
            <dt>Day</dt>
            <dd className="mono">{c.tradingDay}</dd>
            <dt>Account</dt>
            <dd className="row">
              <code className="break">{c.accountId}</code>
              <button type="button" className="button button-small" onClick={() => onAccountClick(c.accountId)}>
                Baseline & cases
              </button>
            </dd>
            <dt>User</dt>
            <dd>{c.userId ? <UserName id={c.userId} user={people(c.userId)} /> : <span className="muted">the account as a whole</span>}</dd>
            <dt>Subject</dt>
            <dd className="mono break">{c.subject}</dd>
            <dt>First found</dt>
            <dd className="mono">{formatDateTime(c.createdAt)}</dd>
            <dt>Last seen</dt>
            <dd className="mono">{formatDateTime(c.updatedAt)}</dd>
          </dl>
          <h3 className="drawer-section">Ours vs broker</h3>
          <CaseFigures c={c} />
          {c.status === 'resolved' && (
            <>
              <h3 className="drawer-section">Resolution</h3>
              <dl className="properties properties-compact" data-testid="case-resolution">
                <dt>Resolved</dt>
                <dd className="mono">{formatDateTime(c.resolvedAt)}</dd>
                <dt>By</dt>
                <dd className="mono break">{c.resolvedBy ?? '—'}</dd>
                <dt>Note</dt>
                <dd className="case-note-text">{c.resolutionNote}</dd>
              </dl>
            </>
          )}
        </div>
      )}
    </Drawer>
  );
}

function CaseFigures({ c }: { c: ComplianceCase }) {
  const figures = caseFigures(c);
  if (figures.length === 0) return <p className="muted">This case compares no figures.</p>;
  return (
    <table className="table table-dense case-figures" aria-label="Case figures" data-testid="case-figures">
      <tbody>
        {figures.map((f, i) => (
          <tr key={`${f.key}-${i}`} data-side={f.side} data-key={f.key || undefined}>
            <th scope="row" className="nowrap">
              {f.label}
            </th>
            <td className={`mono break${f.side === 'difference' ? ' text-negative' : ''}`}>{f.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
