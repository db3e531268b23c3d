/** The store reaches components through context; components read it with narrow selectors. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from '../state/store';

export const StoreContext = createContext<AppStore | null>(null);

export function useAppStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('StoreContext is missing');
  return store;
}

export function useAppState<T>(selector: (s: AppState) => T): T {
  return useStore(useAppStore(), selector);
}
