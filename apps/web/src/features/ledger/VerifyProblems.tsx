import type { VerifyProblem } from '@tradeloop/contracts';
import { UserName } from '../../components/UserName';
import { shortId } from '../../lib/format';
import { useUserDirectory } from '../../lib/user-directory';

interface VerifyProblemsProps {
  problems: VerifyProblem[];
  onOpenTransaction: (id: string) => void;
  onUserClick: (userId: string) => void;
}

export function VerifyProblems({ problems, onOpenTransaction, onUserClick }: VerifyProblemsProps) {
  const people = useUserDirectory(problems.map((problem) => problem.userId));
  return (
    <div className="table-wrap verify-problems">
      <table className="table table-dense" data-testid="verify-problems">
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Transaction</th>
            <th scope="col">User</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {problems.map((problem, index) => (
            <tr key={`${problem.kind}:${problem.transactionId ?? problem.userId ?? ''}:${index}`} data-testid="verify-problem">
              <td>
                <span className="chip chip-negative">{problem.kind}</span>
              </td>
              <td className="mono nowrap">
                {problem.transactionId ? (
                  <button
                    type="button"
                    className="link-button mono"
                    title={`Open transaction ${problem.transactionId}`}
                    onClick={() => onOpenTransaction(problem.transactionId!)}
                    data-testid="verify-problem-tx"
                  >
                    {shortId(problem.transactionId)}
                  </button>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td className="nowrap">
                {problem.userId ? (
                  <UserName
                    id={problem.userId}
                    user={people(problem.userId)}
                    onClick={onUserClick}
                    clickTitle="Show this person's entries"
                  />
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>{problem.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
