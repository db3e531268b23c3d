/**
 * Entry point: a store opened on the page's link, the React app, and the read-only debug hooks
 * (window.__mfl) that the e2e tests assert on. Only wiring here.
 */
import { createRoot, type Root } from 'react-dom/client';
import 'uplot/dist/uPlot.min.css';
import 'katex/dist/katex.min.css';
import './ui/app.css';
import { createAppStore, currentQuery, type AppStore } from './state/store';
import { App } from './ui/App';
import { getActiveLoop } from './app/debugHooks';
import { canvasToBlob } from './ui/download';
import { CLASSROOM_PRESETS } from './state/presets';
import { liveBuffers } from './app/gpuSession';

const store: AppStore = createAppStore(window.location.search);
const container = document.getElementById('root')!;
let root: Root | null = null;

function mount(): void {
  if (root) return;
  root = createRoot(container);
  root.render(<App store={store} />);
}

function unmount(): void {
  root?.unmount();
  root = null;
}

mount();

async function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(blob);
  });
}

/** Debug hooks for tests and the console. Reads are snapshots; nothing here is per frame. */
const hooks = {
  get snapshot() {
    return getActiveLoop()?.debug() ?? null;
  },
  get state() {
    const s = store.getState();
    return { playing: s.playing, highContrast: s.highContrast, error: s.error, notice: s.notice, linkMessages: [...s.linkMessages], engine: s.engine, stats: s.stats, query: currentQuery(s), activePreset: s.activePreset };
  },
  presets: CLASSROOM_PRESETS,
  /** Labels of the GPU buffers alive now (works while unmounted too). */
  liveBufferLabels: () => [...liveBuffers.keys()],
  // Test actions.
  mount,
  unmount,
  store,
  loseDevice: () => getActiveLoop()?.loseDevice() ?? false,
  histogramCheck: () => getActiveLoop()?.histogramCheck() ?? Promise.resolve(null),
  particlesHead: (count: number) => getActiveLoop()?.particlesHead(count) ?? Promise.resolve([]),
  curvesCsv: () => getActiveLoop()?.curvesCsv() ?? null,
  curvesJson: () => getActiveLoop()?.curvesJson() ?? null,
  particles: (format: 'json' | 'csv') => getActiveLoop()?.particles(format) ?? Promise.resolve(null),
  /** The composed PNG of the views as a data URL (rendered and captured in one task). */
  async viewsPng(): Promise<{ width: number; height: number; dataUrl: string } | null> {
    const loop = getActiveLoop();
    if (!loop) return null;
    const canvas = loop.composeViews();
    return { width: canvas.width, height: canvas.height, dataUrl: await blobToDataUrl(await canvasToBlob(canvas)) };
  },
};

declare global {
  interface Window {
    __mfl: typeof hooks;
  }
}
window.__mfl = hooks;
