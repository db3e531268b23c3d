/**
 * The app shell: header (presets, share, export), the parameter sidebar with the typeset
 * equation, the status line, messages and the views. Keyboard: space play/pause, → single
 * step, r reset (ignored while typing in a field). The URL always holds the current parameters.
 */
import { useEffect } from 'react';
import { currentQuery, type AppStore } from '../state/store';
import { Equation } from './Equation';
import { ParamControls } from './ParamControls';
import { Messages, PresetBar, RunControls, ShareAndExport, StatusLine, ViewControls } from './Panels';
import { StoreContext } from './storeContext';
import { Workspace } from './Workspace';

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName);
}

function useKeyboard(store: AppStore): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      // Buttons keep Space/Enter for themselves (activation), so Space on a focused button clicks it.
      if (e.key === ' ' && (e.target as HTMLElement | null)?.tagName === 'BUTTON') return;
      if (e.key === ' ') {
        e.preventDefault();
        store.getState().togglePlay();
      } else if (e.key === 'ArrowRight') {
        e.preventDefault();
        store.getState().stepOnce();
      } else if (e.key === 'r' || e.key === 'R') {
        store.getState().reset();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
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
      if (s.params !== prev.params || s.compare !== prev.compare) write();
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

export function App({ store }: { store: AppStore }) {
  useKeyboard(store);
  useUrlSync(store);
  useHighContrastClass(store);
  return (
    <StoreContext.Provider value={store}>
      <div className="app">
        <header className="app-header">
          <h1>Mean-Field Lab <span className="muted">— mean-field particle systems, live</span></h1>
          <PresetBar />
        </header>
        <aside className="sidebar" aria-label="Controls">
          <RunControls />
          <ViewControls />
          <ParamControls />
          <ShareAndExport />
          <Equation />
        </aside>
        <main className="main">
          <StatusLine />
          <Messages />
          <Workspace />
        </main>
      </div>
    </StoreContext.Provider>
  );
}
