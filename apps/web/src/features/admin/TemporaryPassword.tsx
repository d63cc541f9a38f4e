import { CopyButton } from '../../components/CopyButton';

/**
 * A temporary password the server just issued (a new account, a reset), shown this once: the
 * server keeps only its hash, so it cannot be shown again. The user signs in with it and is asked
 * to choose their own password straight away.
 */
export function TemporaryPassword({ email, password }: { email: string; password: string }) {
  return (
    <section className="notice notice-warning temporary-password" role="status" aria-label="Temporary password, shown once">
      <span>
        Temporary password for <strong className="mono">{email}</strong> — shown this once; copy it now and hand it over in person or over a
        channel you trust.
      </span>
      <div className="temporary-password-value">
        <code className="mono" data-testid="temporary-password">
          {password}
        </code>
        <CopyButton value={password} label="temporary password" />
      </div>
      <span className="muted">
        They choose their own password when they sign in with it. Lost it? Reset the password again: only the newest one works.
      </span>
    </section>
  );
}
