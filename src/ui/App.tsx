/**
 * The app shell: header (title, presets, projector mode), the parameter sidebar with the typeset
 * equation, the status line, messages and the views. The URL always holds the current run.
 *
 * Layout (issue 14): above 1100 px a sidebar and the views; at or below it one column (header,
 * run bar, views, then the parameters). The presets are a bar of buttons from 1500 px up, else a
 * menu; projector mode (hc=1) keeps the header to one line at any width, presets in the menu.
 *
 * Keyboard: space play/pause, → single step, r reset, whatever has focus except a field that
 * takes typing or its own keys (text inputs, selects, sliders, checkboxes); Enter still activates
 * the focused button. A skip link jumps to the run controls.
 */
import { useEffect, useSyncExternalStore, type MouseEvent, type ReactElement } from 'react';
import { currentQuery, type AppStore } from '../state/store';
import { Equation } from './Equation';
import { ParamControls } from './ParamControls';
import { Messages, PresetBar, PresetNote, ProjectorToggle, RunControls, ShareAndExport, StatusLine, ViewControls } from './Panels';
import { StoreContext, useAppState } from './storeContext';
import { Workspace } from './Workspace';

/** Width at and below which the app is one column (app.css uses the same number). */
export const NARROW_QUERY = '(max-width: 1100px)';

/** Whether a media query matches, following changes (resize, rotation). */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const mql = window.matchMedia(query);
      mql.addEventListener('change', onChange);
      return () => mql.removeEventListener('change', onChange);
    },
    () => window.matchMedia(query).matches,
    () => false,
  );
}

const TYPED_INPUTS = new Set(['text', 'search', 'url', 'email', 'password', 'tel', 'number', 'date', 'time']);

/**
 * Whether the focused element uses the shortcut keys itself: text entry, selects, sliders
 * (arrows), checkboxes and radios (space). Buttons, links and the preset menu's summary do not:
 * there the shortcuts act on the run (a focused preset button must not restart it on Space).
 */
export function ownsKeys(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return TYPED_INPUTS.has(type) || type === 'range' || type === 'checkbox' || type === 'radio';
  }
  return false;
}

function useKeyboard(store: AppStore): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || ownsKeys(e.target)) return;
      const key = e.key;
      if (key !== ' ' && key !== 'ArrowRight' && key !== 'r' && key !== 'R') return;
      // preventDefault on keydown also cancels a focused button's own Space activation (keyup click).
      e.preventDefault();
      e.stopPropagation();
      if (e.repeat && key !== 'ArrowRight') return;
      if (key === ' ') store.getState().togglePlay();
      else if (key === 'ArrowRight') store.getState().stepOnce();
      else store.getState().reset();
    };
    // Capture phase: before a focused element's handlers.
    window.addEventListener('keydown', onKey, true);
    // Space activates a focused button on keyup: swallow that keyup too (the keydown was ours).
    const onKeyUp = (e: KeyboardEvent) => {
      if (e.key === ' ' && !ownsKeys(e.target) && !(e.ctrlKey || e.metaKey || e.altKey)) e.preventDefault();
    };
    window.addEventListener('keyup', onKeyUp, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('keyup', onKeyUp, true);
    };
  }, [store]);
}

/** Keeps the address bar's query equal to the current parameters (no history entries). */
function useUrlSync(store: AppStore): void {
  useEffect(() => {
    const write = () => {
      const q = `?${currentQuery(store.getState())}`;
      if (window.location.search !== q) window.history.replaceState(null, '', `${window.location.pathname}${q}${window.location.hash}`);
    };
    write();
    return store.subscribe((s, prev) => {
      if (s.params !== prev.params || s.compare !== prev.compare || s.highContrast !== prev.highContrast) write();
    });
  }, [store]);
}

function useHighContrastClass(store: AppStore): void {
  useEffect(() => {
    const apply = () => document.documentElement.classList.toggle('hc', store.getState().highContrast);
    apply();
    return store.subscribe((s, prev) => {
      if (s.highContrast !== prev.highContrast) apply();
    });
  }, [store]);
}

function skipToRunControls(e: MouseEvent<HTMLAnchorElement>): void {
  const play = document.querySelector<HTMLElement>('[data-action="play"]');
  if (!play) return;
  e.preventDefault();
  play.focus();
  play.scrollIntoView({ block: 'nearest' });
}

function Shell() {
  const narrow = useMediaQuery(NARROW_QUERY);
  // The presets' button bar takes three or more rows below ~1500 px: a menu there keeps the header one line.
  const roomForBar = useMediaQuery('(min-width: 1500px)');
  const projector = useAppState((s) => s.highContrast);
  // Keyed children: switching layouts moves the panels, it never remounts the views (the loop).
  const header = (
    <header key="header" className="app-header">
      <h1>Mean-Field Lab <span className="muted subtitle">— mean-field particle systems, live</span></h1>
      <PresetBar menu={narrow || projector || !roomForBar} />
      <ProjectorToggle />
    </header>
  );
  const sidebar = (
    <aside key="sidebar" className="sidebar" aria-label="Controls">
      {narrow ? null : <RunControls />}
      <ViewControls />
      <ParamControls />
      <ShareAndExport />
      <Equation />
    </aside>
  );
  const main = (
    <main key="main" className="main">
      <StatusLine />
      <PresetNote />
      <Messages />
      <Workspace />
    </main>
  );
  const children: ReactElement[] = narrow
    ? [header, <div key="run-bar" className="run-bar"><RunControls /></div>, main, sidebar]
    : [header, sidebar, main];
  return (
    <>
      <a className="skip-link" href="#run-controls" onClick={skipToRunControls}>Skip to the run controls</a>
      <div className={`app ${narrow ? 'narrow' : 'wide'}`}>{children}</div>
    </>
  );
}

export function App({ store }: { store: AppStore }) {
  useKeyboard(store);
  useUrlSync(store);
  useHighContrastClass(store);
  return (
    <StoreContext.Provider value={store}>
      <Shell />
    </StoreContext.Provider>
  );
}
