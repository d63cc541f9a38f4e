import type { UserRef } from '@tradeloop/contracts';
import { shortId } from '../lib/format';
import './UserName.css';

interface UserNameProps {
  id: string;
  /** The person, once the directory has them; until then (or for an unknown id) the short id shows. */
  user: UserRef | undefined;
  /** Makes the name a filter: "show only this person's …". */
  onClick?: (id: string) => void;
  clickTitle?: string;
  testId?: string;
}

/** A person as "Name · email", the full id in the title; a short id until the name is known. */
export function UserName({ id, user, onClick, clickTitle, testId }: UserNameProps) {
  const title = user ? `${user.displayName} <${user.email}>\n${id}` : id;
  const body = user ? (
    <>
      <span className="user-name-display">{user.displayName}</span>
      <span className="user-name-email">{user.email}</span>
    </>
  ) : (
    <span className="mono">{shortId(id)}</span>
  );
  if (onClick) {
    return (
      <button
        type="button"
        className="link-button user-name"
        title={clickTitle ? `${clickTitle}\n${title}` : title}
        onClick={(event) => {
          event.stopPropagation();
          onClick(id);
        }}
        data-testid={testId}
        data-user-id={id}
      >
        {body}
      </button>
    );
  }
  return (
    <span className="user-name" title={title} data-testid={testId} data-user-id={id}>
      {body}
    </span>
  );
}
