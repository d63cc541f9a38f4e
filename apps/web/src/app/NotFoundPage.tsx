import { Link } from 'react-router-dom';

export function NotFoundPage() {
  return (
    <section className="status-page">
      <p className="status-code mono">404</p>
      <h1>No such page</h1>
      <p className="muted">The address does not match anything in Tradeloop.</p>
      <Link className="button" to="/">
        Go to your start page
      </Link>
    </section>
  );
}
