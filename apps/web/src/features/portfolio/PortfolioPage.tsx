import { SectionPlaceholder } from '../../components/SectionPlaceholder';

export function PortfolioPage() {
  return <SectionPlaceholder section="Portfolio" title="Positions & wallet" message="Positions, P&L and the wallet ledger are not built yet." />;
}
