import { SectionPlaceholder } from '../../components/SectionPlaceholder';

export function TradePage() {
  return <SectionPlaceholder section="Trade" title="Order entry" message="Order entry, orders and live quotes are not built yet." />;
}
