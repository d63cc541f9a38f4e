import type { ReactNode } from 'react';
import { sectionsFor } from '@tradeloop/domain';
import { Dialog } from '../components/Dialog';
import { Kbd } from '../components/Kbd';
import { useCurrentUser } from '../lib/auth';
import { SECTION_UI } from './sections';

/** Trade → Market watch, with the watchlist's rows focused. */
const WATCHLIST_KEYS: [ReactNode, string][] = [
  [
    <>
      <Kbd>↑</Kbd> <Kbd>↓</Kbd>
    </>,
    'Watchlist: move the selection',
  ],
  [<Kbd key="k">Enter</Kbd>, 'Watchlist: chart the selected instrument'],
  [<Kbd key="k">Del</Kbd>, 'Watchlist: remove the selected instrument'],
  [
    <>
      <Kbd>Alt</Kbd> <Kbd>↑</Kbd> <Kbd>↓</Kbd>
    </>,
    'Watchlist: move the instrument up or down',
  ],
  [
    <>
      <Kbd>B</Kbd> <Kbd>S</Kbd>
    </>,
    'Trade: open the order ticket to buy / sell the selected instrument',
  ],
  [<Kbd key="k">Esc</Kbd>, 'Trade: close the order ticket'],
  [
    <>
      <Kbd>⇧B</Kbd> <Kbd>⇧S</Kbd>
    </>,
    'Watchlist: quick buy / sell one step of the selected row',
  ],
  [
    <>
      <Kbd>1</Kbd> <Kbd>2</Kbd> <Kbd>3</Kbd> <Kbd>4</Kbd>
    </>,
    'Watchlist: quick CE+ / CE− / PE+ / PE− on the selected row',
  ],
  [<Kbd key="k">X</Kbd>, "Watchlist: exit the selected row's legs"],
  [<Kbd key="k">⇧X</Kbd>, 'Watchlist: exit every leg of the watchlist'],
];

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { data: user } = useCurrentUser();
  const sections = user ? sectionsFor(user.roles) : [];
  const rows: [ReactNode, string][] = [
    [<Kbd key="k">/</Kbd>, 'Focus the page search'],
    ...sections.map((section): [ReactNode, string] => [
      <>
        <Kbd>g</Kbd> <Kbd>{SECTION_UI[section].hotkey}</Kbd>
      </>,
      `Go to ${SECTION_UI[section].label}`,
    ]),
    ...(sections.includes('trade') ? WATCHLIST_KEYS : []),
    [<Kbd key="k">Esc</Kbd>, 'Close a dialog, drawer or menu'],
    [<Kbd key="k">Enter</Kbd>, 'Submit the focused form'],
    [<Kbd key="k">?</Kbd>, 'Show this list'],
  ];
  return (
    <Dialog open={open} title="Keyboard shortcuts" onClose={onClose}>
      <dl className="shortcuts">
        {rows.map(([keys, label]) => (
          <div key={label} className="shortcut-row">
            <dt>{keys}</dt>
            <dd>{label}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
