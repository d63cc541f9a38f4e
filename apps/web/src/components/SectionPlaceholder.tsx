import { PageHeader } from './PageHeader';
import { EmptyState } from './EmptyState';

/** A section whose backend is not built yet: says so plainly instead of showing sample data. */
export function SectionPlaceholder({ section, title, message }: { section: string; title: string; message: string }) {
  return (
    <div className="page">
      <PageHeader section={section} title={title} />
      <EmptyState title={message} />
    </div>
  );
}
