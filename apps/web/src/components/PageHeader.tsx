import type { ReactNode } from 'react';
import './PageHeader.css';

interface PageHeaderProps {
  title: string;
  /** Breadcrumb-like context shown before the title, e.g. "Admin". */
  section?: string;
  meta?: ReactNode;
  actions?: ReactNode;
}

export function PageHeader({ title, section, meta, actions }: PageHeaderProps) {
  return (
    <header className="page-header">
      <div className="page-heading">
        {section && <span className="page-section">{section}</span>}
        <h1>{title}</h1>
        {meta && <span className="page-meta">{meta}</span>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}
