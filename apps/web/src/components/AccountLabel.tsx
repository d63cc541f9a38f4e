import { describeAccount } from '../lib/ledger';
import { shortId } from '../lib/format';
import './AccountLabel.css';

interface AccountLabelProps {
  account: string;
  /** Show whose account it is (compliance sees every user); the wallet owner knows it is theirs. */
  showOwner?: boolean;
  onOwnerClick?: (userId: string) => void;
}

/** The account's bucket as a small tag (cash / held / house:…), the full code in the title. */
export function AccountLabel({ account, showOwner = false, onOwnerClick }: AccountLabelProps) {
  const view = describeAccount(account);
  const owner = showOwner && view.userId;
  return (
    <span className="account" title={account}>
      {owner &&
        (onOwnerClick ? (
          <button
            type="button"
            className="link-button mono"
            title={`Show only ${view.userId}'s entries`}
            onClick={(event) => {
              event.stopPropagation();
              onOwnerClick(view.userId!);
            }}
          >
            {shortId(view.userId!)}
          </button>
        ) : (
          <span className="mono muted">{shortId(view.userId!)}</span>
        ))}
      <span className={`bucket bucket-${view.bucket}`}>{view.label}</span>
    </span>
  );
}
