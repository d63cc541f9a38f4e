import { useEffect, useRef } from 'react';
import { useNavigate } from 'react-router-dom';
import { sectionsFor } from '@tradeloop/domain';
import { useCurrentUser } from '../lib/auth';
import { SECTION_UI } from './sections';

/** Pages mark their primary search/filter field with this attribute for the `/` shortcut. */
export const PAGE_SEARCH_ATTRIBUTE = 'data-page-search';

const CHORD_TIMEOUT_MS = 1_500;

const isTypingTarget = (target: EventTarget | null): boolean => {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
};

/**
 * `/` focuses the page's search box, `g` then a section letter navigates (only to sections the
 * user may open), `?` lists the shortcuts. Ignored while typing or while a dialog is open.
 */
export function useGlobalHotkeys({ onShowShortcuts }: { onShowShortcuts: () => void }) {
  const navigate = useNavigate();
  const { data: user } = useCurrentUser();
  const chordStartedAt = useRef<number | null>(null);

  useEffect(() => {
    const allowed = user ? sectionsFor(user.roles) : [];
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTypingTarget(event.target) || document.querySelector('dialog[open]')) return;

      const chordActive = chordStartedAt.current !== null && Date.now() - chordStartedAt.current < CHORD_TIMEOUT_MS;
      chordStartedAt.current = null;
      if (chordActive) {
        const section = allowed.find((s) => SECTION_UI[s].hotkey === event.key.toLowerCase());
        if (section) {
          event.preventDefault();
          navigate(SECTION_UI[section].path);
        }
        return;
      }
      if (event.key === 'g') {
        chordStartedAt.current = Date.now();
      } else if (event.key === '/') {
        const search = document.querySelector<HTMLElement>(`[${PAGE_SEARCH_ATTRIBUTE}]`);
        if (search) {
          event.preventDefault();
          search.focus();
        }
      } else if (event.key === '?') {
        event.preventDefault();
        onShowShortcuts();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [navigate, user, onShowShortcuts]);
}
