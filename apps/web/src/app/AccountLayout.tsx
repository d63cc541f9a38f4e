import { Outlet } from 'react-router-dom';
import { SubNav } from '../components/SubNav';
import { ACCOUNT_PAGES } from './sections';

/** The user's own pages (profile and security, broker accounts) as tabs. */
export function AccountLayout() {
  return (
    <>
      <SubNav label="Account pages" items={ACCOUNT_PAGES} />
      <Outlet />
    </>
  );
}
