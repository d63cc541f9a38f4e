import { Outlet } from 'react-router-dom';
import type { Section } from '@tradeloop/domain';
import { SubNav } from '../components/SubNav';
import { SECTION_PAGES, SECTION_UI } from './sections';

/** A section's pages as tabs above whichever of them is open. */
export function SectionLayout({ section }: { section: Section }) {
  const pages = SECTION_PAGES[section] ?? [];
  return (
    <>
      {pages.length > 1 && <SubNav label={`${SECTION_UI[section].label} pages`} items={pages} />}
      <Outlet />
    </>
  );
}
