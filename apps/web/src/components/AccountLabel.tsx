import { describeAccount } from '../lib/ledger';
import type { Directory } from '../lib/user-directory';
import { UserName } from './UserName';
import './AccountLabel.css';

interface AccountLabelProps {
  account: string;
  /** Show whose account it is (compliance sees every user); the wallet owner knows it is theirs. */
  showOwner?: boolean;
  onOwnerClick?: (userId: string) => void;
  /** Names for owners (compliance pages); without it, or until it knows them, a short id shows. */
  people?: Directory;
}

/** The account's bucket as a small tag (cash / held / house:…), the full code in the title. */
export function AccountLabel({ account, showOwner = false, onOwnerClick, people }: AccountLabelProps) {
  const view = describeAccount(account);
  const owner = showOwner && view.userId;
  return (
    <span className="account" title={account}>
      {owner && (
        <UserName
          id={view.userId!}
          user={people?.(view.userId)}
          onClick={onOwnerClick}
          clickTitle={onOwnerClick ? "Show only this person's entries" : undefined}
          testId="account-owner"
        />
      )}
      <span className={`bucket bucket-${view.bucket}`}>{view.label}</span>
    </span>
  );
}
