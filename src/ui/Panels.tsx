/**
 * The app's smaller panels: run controls, presets, share link and exports, status line,
 * messages and view options. Components read narrow selectors; nothing here sees particle data.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { CLASSROOM_PRESETS } from '../state/presets';
import { POINT_SIZE_RANGE, STEPS_PER_FRAME_MAX, currentQuery } from '../state/store';
import { withProjector } from '../state/urlCodec';
import { getActiveLoop } from '../app/debugHooks';
import { canvasToBlob, downloadBlob, downloadText } from './download';
import { useAppState, useAppStore } from './storeContext';
import { useDraftField } from './useDraftField';

export function RunControls() {
  const store = useAppStore();
  const playing = useAppState((s) => s.playing);
  const stepsPerFrame = useAppState((s) => s.stepsPerFrame);
  const stopped = useAppState((s) => s.error !== null);
  // An N-sweep holds the GPU: the live run waits (the chaos panel says so).
  const sweeping = useAppState((s) => s.sweep?.running ?? false);
  const [draft, setDraft] = useState(String(stepsPerFrame));
  const [err, setErr] = useState<string | null>(null);
  const id = useId();
  useEffect(() => setDraft(String(stepsPerFrame)), [stepsPerFrame]);
  const commitSpf = (raw: string) => {
    const k = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || k < 1 || k > STEPS_PER_FRAME_MAX) {
      setErr(`steps per frame: got "${raw.slice(0, 20)}", expected an integer in [1, ${STEPS_PER_FRAME_MAX}] — not applied`);
      return;
    }
    setErr(null);
    store.getState().setStepsPerFrame(k);
  };
  return (
    <div className="run-controls" id="run-controls" tabIndex={-1} role="group" aria-label="Run controls">
      <button type="button" className="primary" data-action="play" aria-pressed={playing} disabled={stopped || sweeping}
        onClick={() => store.getState().togglePlay()} title={sweeping ? 'Paused while the N-sweep runs' : 'Play / pause (space)'}>
        {playing ? '❚❚ Pause' : '▶ Play'}
      </button>
      <button type="button" data-action="step" disabled={stopped || sweeping} onClick={() => store.getState().stepOnce()} title="Single step (→)">Step ▸</button>
      <button type="button" data-action="reset" onClick={() => store.getState().reset()} title="Reset to step 0 with the same parameters and seed (r)">↺ Reset</button>
      <label htmlFor={id} className="inline-label" title="A cap, not a promise: at most this many steps per animation frame. The pacing keeps each GPU submission near 50 ms and takes fewer steps (or a slice of one) when steps are slow; the CPU engine takes as many as fit in its frame budget, up to this.">Max steps / frame</label>
      <input id={id} className="num small" type="text" inputMode="numeric" value={draft} aria-invalid={err !== null}
        aria-describedby={`${id}-help`}
        onChange={(e) => setDraft(e.target.value)} onBlur={() => commitSpf(draft)}
        onKeyDown={(e) => { if (e.key === 'Enter') commitSpf(draft); }} />
      <span id={`${id}-help`} className="sr-only">A cap on the steps per animation frame, 1 to {STEPS_PER_FRAME_MAX}; the pacing takes fewer when steps are slow. Keyboard: space play/pause, right arrow single step, r reset.</span>
      {err ? <p className="error" role="alert">{err}</p> : null}
    </div>
  );
}

const PRESET_GROUPS = ['Landau', 'First-order', 'Torus'] as const;

function PresetList({ onPick }: { onPick?: () => void }) {
  const store = useAppStore();
  const active = useAppState((s) => s.activePreset);
  const hc = useAppState((s) => s.highContrast);
  return (
    <>
      {PRESET_GROUPS.map((group) => (
        <span key={group} className="preset-group" role="group" aria-label={`${group} presets`}>
          <span className="preset-group-label">{group}</span>
          <ul>
            {CLASSROOM_PRESETS.filter((p) => p.group === group).map((p) => (
              <li key={p.id}>
                <button type="button" data-preset={p.id} aria-pressed={active === p.id} title={p.description}
                  onClick={() => {
                    store.getState().applyPreset(p.id);
                    onPick?.();
                  }}>{p.name}</button>
                {/* In projector mode the link keeps it (hc=1): a lecturer can send it on. */}
                <a href={`?${withProjector(p.query, hc)}`} className="preset-link" aria-label={`Link to the preset ${p.name}`} title="Link to this preset">link</a>
              </li>
            ))}
          </ul>
        </span>
      ))}
    </>
  );
}

/**
 * The classroom presets: a bar of buttons on wide screens; a menu (a native disclosure: Enter
 * opens it, Escape or a pick closes it) on narrow screens and in projector mode.
 */
export function PresetBar({ menu = false }: { menu?: boolean }) {
  const details = useRef<HTMLDetailsElement>(null);
  const active = useAppState((s) => s.activePreset);
  const activeName = CLASSROOM_PRESETS.find((p) => p.id === active)?.name;
  useEffect(() => {
    if (!menu) return;
    const close = (e: Event) => {
      const el = details.current;
      if (!el?.open) return;
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !el.contains(e.target as Node)) {
        el.open = false;
        if (e instanceof KeyboardEvent) el.querySelector('summary')?.focus();
      }
    };
    document.addEventListener('pointerdown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('keydown', close);
    };
  }, [menu]);
  if (menu) {
    return (
      <nav className="presets presets-menu" aria-label="Classroom presets">
        <details ref={details} className="preset-menu">
          <summary data-testid="preset-menu">☰ Presets{activeName ? <span className="muted preset-current">: {activeName}</span> : null}</summary>
          <div className="preset-menu-panel">
            <PresetList onPick={() => {
              // Close the menu and keep focus on its summary (the picked button is hidden now).
              if (details.current) details.current.open = false;
              details.current?.querySelector('summary')?.focus();
            }} />
          </div>
        </details>
      </nav>
    );
  }
  return (
    <nav className="presets" aria-label="Classroom presets">
      <span className="group-label">Classroom presets:</span>
      <PresetList />
    </nav>
  );
}

/** What the active preset shows (its description), or on first open a one-line hint. */
export function PresetNote() {
  const store = useAppStore();
  const active = useAppState((s) => s.activePreset);
  const firstOpen = useAppState((s) => s.firstOpen);
  const preset = CLASSROOM_PRESETS.find((p) => p.id === active);
  if (!preset && !firstOpen) return null;
  return (
    <div className="preset-note" data-testid="preset-note">
      {firstOpen ? (
        <p className="first-open-hint" data-testid="first-open-hint">
          <strong>Start here:</strong> press ▶ Play (or Space) to watch this run; {CLASSROOM_PRESETS.length - 1} more lessons are under <b>Presets</b> at the top.{' '}
          <button type="button" className="link-button" onClick={() => store.getState().dismissFirstOpen()}>Hide this hint</button>
        </p>
      ) : null}
      {preset ? <p><strong>{preset.name}.</strong> {preset.description}</p> : null}
    </div>
  );
}

/** Projector mode: high contrast, larger type and lines, one-line header; kept in the link (hc=1). */
export function ProjectorToggle() {
  const store = useAppStore();
  const hc = useAppState((s) => s.highContrast);
  return (
    <button type="button" className="projector-toggle" data-action="projector" aria-pressed={hc}
      title="Projector mode: high contrast, larger type and lines, compact header. Kept in the share link (hc=1)."
      onClick={() => store.getState().setHighContrast(!hc)}>
      {hc ? '◐ Projector on' : '◐ Projector'}
    </button>
  );
}

export function ShareAndExport() {
  const params = useAppState((s) => s.params);
  const compare = useAppState((s) => s.compare);
  const highContrast = useAppState((s) => s.highContrast);
  const url = `${window.location.origin}${window.location.pathname}?${currentQuery({ params, compare, highContrast })}`;
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const copy = async () => {
    try {
      // Headless or unfocused pages may leave the clipboard promise pending: give up after 1 s.
      await Promise.race([
        navigator.clipboard.writeText(url),
        new Promise((_, reject) => setTimeout(() => reject(new Error('clipboard timeout')), 1000)),
      ]);
      setCopied('Link copied.');
    } catch {
      input.current?.select();
      setCopied('The clipboard is not available here: the link is selected above, copy it with Ctrl+C.');
    }
  };
  const stamp = () => new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const exportText = async (what: 'curves-csv' | 'curves-json' | 'particles-json' | 'particles-csv') => {
    const loop = getActiveLoop();
    if (!loop) return;
    setBusy(true);
    try {
      const text = what === 'curves-csv' ? loop.curvesCsv()
        : what === 'curves-json' ? loop.curvesJson()
          : await loop.particles(what === 'particles-json' ? 'json' : 'csv');
      if (text == null) return;
      const ext = what.endsWith('csv') ? 'csv' : 'json';
      downloadText(text, `mean-field-lab-${what.split('-')[0]}-${stamp()}.${ext}`, ext === 'csv' ? 'text/csv' : 'application/json');
    } finally {
      setBusy(false);
    }
  };
  const exportPng = async () => {
    const loop = getActiveLoop();
    if (!loop) return;
    // Render and capture in the same task (WebGPU canvases keep their image only until then).
    const canvas = loop.composeViews();
    downloadBlob(await canvasToBlob(canvas), `mean-field-lab-views-${stamp()}.png`);
  };
  return (
    <div className="share-export">
      <div className="share" role="group" aria-label="Share link">
        <label htmlFor={id}>Share link (always the current parameters{highContrast ? ', in projector mode' : ''})</label>
        <div className="share-row">
          <input id={id} ref={input} className="share-url" type="text" readOnly value={url} data-testid="share-url"
            onFocus={(e) => e.target.select()} />
          <button type="button" data-action="copy-link" onClick={() => void copy()}>Copy link</button>
        </div>
        <p className="status-msg" aria-live="polite">{copied}</p>
      </div>
      <div className="exports" role="group" aria-label="Export">
        <span className="group-label">Export:</span>
        <ExportInterval />
        <button type="button" disabled={busy} onClick={() => void exportText('curves-csv')}>Curves CSV</button>
        <button type="button" disabled={busy} onClick={() => void exportText('curves-json')}>Curves JSON</button>
        <button type="button" disabled={busy} onClick={() => void exportText('particles-json')}>Particles JSON</button>
        <button type="button" disabled={busy} onClick={() => void exportText('particles-csv')}>Particles CSV</button>
        <button type="button" disabled={busy} onClick={() => void exportPng()}>PNG of the views</button>
      </div>
    </div>
  );
}

/** The curves export's row interval in simulation time (empty: every recorded row). */
function ExportInterval() {
  const store = useAppStore();
  const every = useAppState((s) => s.exportEveryT);
  const id = useId();
  const { inputProps, error } = useDraftField(every, (t) => {
    const x = Number(t);
    return Number.isFinite(x) && x > 0 ? { value: x } : { error: `curves interval: got "${t.slice(0, 20)}", expected a time > 0 or empty for every recorded row — not applied` };
  }, (x) => store.getState().setExportEveryT(x));
  return (
    <span className="export-interval">
      <label htmlFor={id} title="Curves CSV/JSON: one row per this much simulation time t; empty: every recorded row">curves every Δt =</label>
      <input id={id} className="num small" type="text" inputMode="decimal" placeholder="all" data-testid="export-every-t" {...inputProps} />
      {error ? <span className="error" role="alert">{error}</span> : null}
    </span>
  );
}

function si(x: number): string {
  if (!Number.isFinite(x) || x === 0) return '0';
  const units = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const;
  for (const [v, u] of units) if (Math.abs(x) >= v) return `${(x / v).toPrecision(3)} ${u}`;
  return x.toPrecision(3);
}

export function StatusLine() {
  const stats = useAppState((s) => s.stats);
  const engine = useAppState((s) => s.engine);
  const playing = useAppState((s) => s.playing);
  const params = useAppState((s) => s.params);
  const error = useAppState((s) => s.error);
  return (
    <div className="status-line" role="status" aria-live="off" data-testid="status-line">
      <span><b>t</b> = <span data-testid="status-t">{stats.t.toFixed(4)}</span></span>
      <span title="Steps whose GPU work has finished"><b>step</b> <span data-testid="status-step">{stats.step}</span></span>
      <span><abbr title="N: particles in each system (each step costs N² pair interactions)"><b>N</b></abbr> = {engine?.n ?? params.n}</span>
      <span><abbr title="R: replicas, independent copies of the N-particle system run side by side; curves average over them, the chaos panel compares them" data-testid="status-replicas"><b>R</b></abbr> = {engine?.replicas ?? params.replicas}</span>
      <span>{playing ? `${stats.stepsPerSecond >= 10 || stats.stepsPerSecond === 0 ? stats.stepsPerSecond.toFixed(0) : stats.stepsPerSecond.toPrecision(2)} steps/s` : 'paused'}</span>
      <span>{playing ? `${si(stats.pairsPerSecond)} pair interactions/s` : "0 pair interactions/s"}</span>
      <span className={engine?.isFallback ? 'fallback' : ''} data-testid="status-adapter">
        {engine ? `${engine.kind === 'webgpu' ? 'WebGPU' : 'CPU engine'}: ${engine.adapter}` : 'starting…'}
      </span>
      <span className={error || stats.nonFinite > 0 ? 'bad' : 'ok'}>NaN/Inf: {stats.nonFinite > 0 || error ? 'detected — stopped' : 'none'}</span>
      {stats.slowStep ? <span className="fallback" data-testid="status-slow">{stats.slowStep}; the GPU works in slices of ≈ 50 ms, so Pause and Reset act at once</span> : null}
      {engine?.capNote ? <span className="fallback">{engine.capNote}</span> : null}
    </div>
  );
}

export function Messages() {
  const store = useAppStore();
  const link = useAppState((s) => s.linkMessages);
  const notice = useAppState((s) => s.notice);
  const error = useAppState((s) => s.error);
  return (
    <div className="messages">
      {link.length ? (
        <div className="message warn" role="alert" data-testid="link-messages">
          <strong>This link has fields that could not be used</strong> (the valid ones were applied):
          <ul>{link.map((m, k) => <li key={k}>{m}</li>)}</ul>
          <button type="button" onClick={() => store.getState().dismissLinkMessages()}>Dismiss</button>
        </div>
      ) : null}
      {error ? <div className="message bad" role="alert" data-testid="run-error">{error}</div> : null}
      {notice ? (
        <div className="message info" role="status" data-testid="notice">
          {notice}
          <button type="button" onClick={() => store.setState({ notice: null })}>Dismiss</button>
        </div>
      ) : null}
    </div>
  );
}

export function ViewControls() {
  const store = useAppStore();
  const pointSize = useAppState((s) => s.pointSize);
  const replica = useAppState((s) => s.replica);
  const replicas = useAppState((s) => s.engine?.replicas ?? s.params.replicas);
  const sizeId = useId();
  const repId = useId();
  return (
    <div className="view-controls" role="group" aria-label="View options">
      <label htmlFor={sizeId}>Point size</label>
      <input id={sizeId} type="range" min={POINT_SIZE_RANGE[0]} max={POINT_SIZE_RANGE[1]} step={0.5} value={pointSize}
        onChange={(e) => store.getState().setPointSize(Number(e.target.value))} />
      <span className="muted">{pointSize} px</span>
      {replicas > 1 ? (
        <>
          <label htmlFor={repId}>Replica shown</label>
          <select id={repId} value={Math.min(replica, replicas - 1)} onChange={(e) => store.getState().setReplica(Number(e.target.value))}>
            {Array.from({ length: Math.min(replicas, 64) }, (_, r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </>
      ) : null}
    </div>
  );
}
