import { SectionPlaceholder } from '../../components/SectionPlaceholder';

export function QuantPage() {
  return <SectionPlaceholder section="Quant" title="Models & strategies" message="The model registry, signals and strategies are not built yet." />;
}
