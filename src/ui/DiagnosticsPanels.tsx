/**
 * The diagnostics panels' React parts (issues 4 and 6): the entropy panel's controls (every K
 * steps, neighbour rank k, log scale; the charts themselves are drawn by the frame loop), and the
 * "Propagation of chaos" panel: live meters (from the store, published by the loop a few times per
 * second), the N-sweep form with Run / Cancel and progress, the log–log plot and the JSON export.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { MAX_KNN_RANK } from '../engine/diagnostics';
import { defaultEntropyEvery } from '../engine/liveDiagnostics';
import { createBackend } from '../engine/createBackend';
import { SweepCancelled, runSweep, sweepReference, validateSweep, type SweepOutput, type SweepRequest } from '../engine/sweepExperiment';
import { QUANTITY_HELP, SWEEP_QUANTITIES, estimatorFor, type SweepQuantity } from '../engine/sweep';
import { paramDef, type Noise } from '../physics/params';
import type { MeterValue } from '../state/store';
import { SweepPlot } from '../view/sweepPlot';
import { getActiveLoop } from '../app/debugHooks';
import { downloadText } from './download';
import { useAppState, useAppStore } from './storeContext';
import { useDraftField } from './useDraftField';

/** A number for a table: 3 significant digits, exponent form for small or large magnitudes. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(2) : x.toPrecision(3);
}

function pm(v: MeterValue): string {
  return Number.isFinite(v.stdErr) ? `${fmt(v.value)} ± ${fmt(v.stdErr)}` : fmt(v.value);
}

// ---------------------------------------------------------------------------------------------
// Entropy panel controls.

export function EntropyControls() {
  const store = useAppStore();
  const every = useAppState((s) => s.entropyEvery);
  const k = useAppState((s) => s.knnRank);
  const log = useAppState((s) => s.entropyLog);
  const n = useAppState((s) => s.engine?.n ?? s.params.n);
  const model = useAppState((s) => s.params.model);
  const replicas = useAppState((s) => s.engine?.replicas ?? s.params.replicas);
  const auto = defaultEntropyEvery(n, replicas);
  const { inputProps, error: err } = useDraftField(every, (t) => {
    if (t === 'auto') return { value: null };
    const x = Number(t);
    return /^\d+$/.test(t) && x >= 1 && x <= 100000 ? { value: x } : { error: `K: got "${t.slice(0, 20)}", expected an integer in [1, 100000] or empty for the default (${auto}) — not applied` };
  }, (x) => store.getState().setEntropyEvery(x));
  const id = useId();
  const torus = model === 'torus';
  return (
    <div className="entropy-controls" role="group" aria-label="Entropy estimator settings">
      {!torus ? (
        <>
          <label htmlFor={`${id}-k`}>Accurate estimate every K steps</label>
          <input id={`${id}-k`} className="num small" type="text" inputMode="numeric" placeholder={`${auto}`}
            data-testid="entropy-every" {...inputProps} />
          <span className="muted">{every === null ? `(default for N = ${n}: ${auto})` : ''}</span>
          <label htmlFor={`${id}-rank`}>k-NN rank k</label>
          <select id={`${id}-rank`} value={k} onChange={(e) => store.getState().setKnnRank(Number(e.target.value))}>
            {Array.from({ length: MAX_KNN_RANK }, (_, i) => i + 1).map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </>
      ) : null}
      <label className="check">
        <input type="checkbox" checked={log} data-testid="entropy-log" onChange={(e) => store.getState().setEntropyLog(e.target.checked)} />
        log scale for {torus ? 'H(f|1)' : 'H(f|M)'}
      </label>
      {err ? <p className="error" role="alert">{err}</p> : null}
      <p className="help entropy-help">
        {torus
          ? <>Torus: <b>H(f|1) = ∫ f log f</b> against the uniform equilibrium, from the 1D histograms on [0, 1) (<b>cheap, histogram</b>, every frame: Σ_c H(f_c|1), a lower bound, exact when f is a product law as for init=cosine). Dashed: the exact limit for init=cosine.</>
          : <>Dots: <b>accurate, k-NN</b> — Kozachenko–Leonenko H(f) and H(f|M) = H(f) − H(M), M the {model === 'landau' ? 'Maxwellian' : 'isotropic Gaussian'} with the same mass, mean and {model === 'landau' ? 'energy' : 'variance'}, {replicas > 1 ? 'on the replicas pooled into one sample (up to 16384 particles) ' : ''}minus the estimator's exact bias on a Maxwellian sample of that size; KDE score-matching I(f) — every K steps, off the frame loop, one at a time{replicas > 1 ? `; the band is ±1 standard error, from the spread of the ${replicas} replicas' own estimates` : ''}. Thin line: <b>cheap, histogram</b> plug-in every frame: max(Σ_c H(f_c), H(f_iso)), a lower bound of H. The KDE smoothing biases I(f) down: the dotted curves show what Î_SM should read{model === 'landau' ? ' (bkwKdeFisherLimits for BKW; the Gaussian limit at equilibrium)' : ''}.</>}
      </p>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Propagation of chaos.

function LiveMeters({ onCompareLargeN, busy }: { onCompareLargeN: () => void; busy: boolean }) {
  const store = useAppStore();
  const chaos = useAppState((s) => s.chaos);
  const replicas = useAppState((s) => s.engine?.replicas ?? s.params.replicas);
  const params = useAppState((s) => s.params);
  const v = params.model === 'landau' ? 'v' : 'x';
  if (replicas < 3) {
    return (
      <div className="chaos-meters" data-testid="chaos-meters">
        <p className="muted">The live meters compare <b>independent replicas</b>: they need R ≥ 3 (now R = {replicas}).{' '}
          <button type="button" data-action="use-replicas" onClick={() => {
            const p = store.getState().params;
            store.getState().applyParams({ ...p, replicas: 8, n: Math.min(p.n, Math.floor((1 << 20) / 8)) });
          }}>Run 8 replicas</button>
        </p>
      </div>
    );
  }
  if (!chaos) return <div className="chaos-meters" data-testid="chaos-meters"><p className="muted">Waiting for the first moments…</p></div>;
  // models.md §1.1 normalisation: recentred and rescaled Landau data (R^d) constrain d + 1 features.
  const constraintFloor = params.model === 'landau' && params.normalize ? (params.d + 1) / (2 * (params.n - 1) ** 2) : null;
  const row = (label: React.ReactNode, value: string, note: React.ReactNode, testid: string) => (
    <tr data-testid={testid}><th scope="row">{label}</th><td className="num-cell">{value}</td><td className="note-cell">{note}</td></tr>
  );
  return (
    <div className="chaos-meters" data-testid="chaos-meters">
      <table>
        <caption>Live meters at t = {chaos.t.toFixed(4)}, across R = {chaos.replicas} replicas (value ± standard error)</caption>
        <tbody>
          {row(<>Cov(|{v}¹|², |{v}²|²)</>, pm(chaos.pairEnergy),
            <>two particles of one replica; 0 under chaos, O(1/N) here.{params.normalize ? <> With Recentre &amp; rescale on, Σ|{v}|² is fixed at t = 0, which injects −Var(|{v}|²)/(N−1).</> : null}</>, 'meter-pair-energy')}
          {row(<>Cov({v}¹<sub>{v === 'v' ? 'x' : '1'}</sub>, {v}²<sub>{v === 'v' ? 'x' : '1'}</sub>)</>, pm(chaos.pairVx), <>the same for the first component</>, 'meter-pair-vx')}
          {chaos.spread
            ? row(<>E|{v === 'v' ? 'V̄' : 'X̄'}(t) − {v === 'v' ? 'V̄' : 'X̄'}(0)|²</>, pm(chaos.spread),
              chaos.spreadExact ? <>exact: <b data-testid="meter-spread-exact">{fmt(chaos.spreadExact.value)}</b> = {chaos.spreadExact.law}</> : <>no exact law for these parameters (γ ≠ 0, mixed circulations, Recentre off, or rotation-shared in batches of p &gt; 2)</>, 'meter-spread')
            : null}
          {row(<>marginal L1 of {v}<sub>{v === 'v' ? 'x' : '1'}</sub> (pooled)</>, chaos.l1 ? pm(chaos.l1) : '—',
            <>
              {chaos.l1
                ? <>minus the sampling floor (so ≈ 0, even slightly negative, when they agree), to: {chaos.l1.reference}{chaos.l1.snapshot ? <> — a snapshot at t = <span data-testid="meter-l1-snapshot-t">{chaos.l1.t.toFixed(4)}</span>: it does not follow the run.</> : null}</>
                : <span data-testid="meter-l1-note">{chaos.l1Note ?? 'waiting for a particle readback…'}</span>}
              {chaos.l1Note !== null || chaos.l1?.snapshot ? (
                <>{' '}<button type="button" data-action="l1-large-n" disabled={busy} onClick={onCompareLargeN}
                  title="Runs the same parameters with 4N particles and an independent seed to the current step (the live run pauses meanwhile)">
                  {chaos.l1?.snapshot ? 'Refresh: large-N run to now' : 'Compare with a large-N run at this t'}</button></>
              ) : null}
            </>, 'meter-l1')}
          {row(<>H(f<sub>2</sub> | f<sub>1</sub> ⊗ f<sub>1</sub>)</>, chaos.pairEntropy ? pm(chaos.pairEntropy) : '—',
            chaos.pairEntropy ? (
              <>the two particles' mutual information, estimated as {chaos.pairEntropy.estimator}. O(1/N²) under chaos (sharp rate); ≈ 0, even slightly negative, for independent particles.
                {constraintFloor !== null ? <> The exact constraints Σ{v} = 0 and Σ|{v}|² = N·E (Recentre &amp; rescale) alone give (d+1)/(2(N−1)²) = <b data-testid="meter-pair-entropy-floor">{fmt(constraintFloor)}</b> at t = 0; kac keeps Σ{v} = 0 exactly, so it stays above d/(2(N−1)²).</> : null}
                {chaos.pairEntropy.perReplica < params.n ? <> From the first {chaos.pairEntropy.perReplica} particles of each replica (exchangeable, so unbiased; noisier).</> : null}
                {' '}(at t = {chaos.pairEntropy.t.toFixed(4)})</>
            ) : <>waiting for a particle readback…</>, 'meter-pair-entropy')}
        </tbody>
      </table>
    </div>
  );
}

const DEFAULT_NS = '64,128,256,512';

function parseNs(raw: string): number[] {
  return raw.split(/[,\s]+/).filter(Boolean).map((x) => (/^\d+$/.test(x) ? Number(x) : NaN));
}

export function ChaosPanel() {
  const store = useAppStore();
  const params = useAppState((s) => s.params);
  const sweep = useAppState((s) => s.sweep);
  const result = useAppState((s) => s.sweepResult);
  const hc = useAppState((s) => s.highContrast);
  const engineKind = useAppState((s) => s.engine?.kind ?? 'webgpu');
  const [ns, setNs] = useState(DEFAULT_NS);
  const [quantity, setQuantity] = useState<SweepQuantity>('mean-velocity-spread');
  const [t, setT] = useState('0.1');
  const [replicas, setReplicas] = useState('16');
  const [noises, setNoises] = useState<Noise[]>([params.noise]);
  const [referenceN, setReferenceN] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const abort = useRef<AbortController | null>(null);
  const plotHost = useRef<HTMLDivElement>(null);
  const plot = useRef<SweepPlot | null>(null);
  const id = useId();
  const landau = params.model === 'landau';
  const running = sweep?.running ?? false;

  useEffect(() => {
    plot.current = new SweepPlot(plotHost.current!);
    return () => {
      plot.current?.dispose();
      plot.current = null;
      // Leaving the page (or unmounting) stops a running sweep; its backends are destroyed.
      abort.current?.abort();
    };
  }, []);
  useEffect(() => {
    if (result && plot.current) plot.current.show(result, hc);
  }, [result, hc]);
  // The torus has no mean-velocity spread: switch the default quantity.
  useEffect(() => {
    if (params.model === 'torus' && quantity === 'mean-velocity-spread') setQuantity('pair-correlation');
  }, [params.model, quantity]);

  const request = (): SweepRequest => ({
    base: params,
    ns: parseNs(ns),
    t: Number(t),
    replicas: /^\d+$/.test(replicas.trim()) ? Number(replicas) : NaN,
    quantity,
    noises: landau ? noises : [params.noise],
    referenceN: referenceN.trim() ? Number(referenceN) : undefined,
  });
  const exactRef = quantity === 'marginal-l1' ? sweepReference(params, Number(t) > 0 ? Number(t) : 0) : null;

  const start = async () => {
    const req = request();
    const problems = validateSweep(req, engineKind);
    setErrors(problems);
    if (problems.length) return;
    const loop = getActiveLoop();
    if (!loop) return;
    const ac = new AbortController();
    abort.current = ac;
    let lastReport = 0;
    store.setState({ playing: false, sweep: { running: true, label: 'starting…', pointFraction: 0, overall: 0, cancelRequested: false } });
    try {
      const gpu = loop.gpuContext;
      const out = await runSweep({ kind: gpu ? 'webgpu' : 'cpu', create: (p) => createBackend(gpu, p) }, req, {
        signal: ac.signal,
        onProgress: (p) => {
          const now = performance.now();
          if (now - lastReport < 100 && p.pointFraction < 1) return;
          lastReport = now;
          const cur = store.getState().sweep;
          store.setState({ sweep: { running: true, label: p.label, pointFraction: p.pointFraction, overall: p.overall, cancelRequested: cur?.cancelRequested ?? false } });
        },
      });
      store.setState({ sweepResult: out });
    } catch (e) {
      setErrors([`The sweep failed: ${e instanceof Error ? e.message : String(e)}`]);
    } finally {
      abort.current = null;
      const cur = store.getState().sweep;
      store.setState({ sweep: { running: false, label: cur?.cancelRequested ? 'cancelled' : 'done', pointFraction: 1, overall: cur?.cancelRequested ? cur.overall : 1, cancelRequested: false } });
    }
  };
  // The live L1 against a large-N run (no exact reference): shares the sweep's progress, pause and Cancel.
  const compareLargeN = async () => {
    const loop = getActiveLoop();
    if (!loop || running) return;
    const ac = new AbortController();
    abort.current = ac;
    setErrors([]);
    store.setState({ playing: false, sweep: { running: true, label: 'large-N reference run…', pointFraction: 0, overall: 0, cancelRequested: false } });
    let lastReport = 0;
    try {
      await loop.largeNMarginalL1((fraction, label) => {
        const now = performance.now();
        if (now - lastReport < 100 && fraction < 1) return;
        lastReport = now;
        const cur = store.getState().sweep;
        store.setState({ sweep: { running: true, label, pointFraction: fraction, overall: fraction, cancelRequested: cur?.cancelRequested ?? false } });
      }, ac.signal);
    } catch (e) {
      if (!(e instanceof SweepCancelled)) setErrors([`The large-N reference run failed: ${e instanceof Error ? e.message : String(e)}`]);
    } finally {
      abort.current = null;
      const cur = store.getState().sweep;
      store.setState({ sweep: { running: false, label: cur?.cancelRequested ? 'cancelled' : 'large-N reference done', pointFraction: 1, overall: cur?.cancelRequested ? cur.overall : 1, cancelRequested: false } });
    }
  };
  const cancel = () => {
    abort.current?.abort();
    const cur = store.getState().sweep;
    if (cur) store.setState({ sweep: { ...cur, cancelRequested: true, label: `${cur.label} — cancelling…` } });
  };
  const exportJson = () => {
    if (!result) return;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    downloadText(JSON.stringify(result, null, 1), `mean-field-lab-sweep-${stamp}.json`, 'application/json');
  };
  const toggleNoise = (x: Noise, on: boolean) => setNoises((cur) => (on ? [...new Set([...cur, x])] : cur.filter((y) => y !== x)));

  return (
    <section className="panel panel-chaos" aria-labelledby={`${id}-title`} data-testid="chaos-panel">
      <h2 id={`${id}-title`}>Propagation of chaos <span className="muted">— replicas, N-sweeps and the convergence rate (models.md §4)</span></h2>
      <LiveMeters onCompareLargeN={() => void compareLargeN()} busy={running} />
      <form className="sweep-form" aria-label="N-sweep" onSubmit={(e) => { e.preventDefault(); if (!running) void start(); }}>
        <fieldset disabled={running}>
          <legend>N-sweep: fresh runs of R replicas to time t, one per N; error against N on log–log axes</legend>
          <label>N list <input className="num" type="text" value={ns} data-testid="sweep-ns" onChange={(e) => setNs(e.target.value)} /></label>
          <label>quantity{' '}
            <select value={quantity} data-testid="sweep-quantity" onChange={(e) => setQuantity(e.target.value as SweepQuantity)}>
              {SWEEP_QUANTITIES.filter((q) => !(params.model === 'torus' && q === 'mean-velocity-spread')).map((q) => <option key={q} value={q}>{q}</option>)}
            </select>
          </label>
          <label>elapsed t <input className="num small" type="text" value={t} data-testid="sweep-t" onChange={(e) => setT(e.target.value)} /></label>
          <label>replicas R <input className="num small" type="text" value={replicas} data-testid="sweep-replicas" onChange={(e) => setReplicas(e.target.value)} /></label>
          {landau ? (
            <span className="sweep-noises" role="group" aria-label="Noise systems compared">
              systems:{' '}
              {(paramDef('noise').options as readonly Noise[]).map((x) => (
                <label key={x} className="check"><input type="checkbox" checked={noises.includes(x)} data-noise={x} onChange={(e) => toggleNoise(x, e.target.checked)} />{x}</label>
              ))}
            </span>
          ) : <span className="muted">system: {params.model} (its one particle system)</span>}
          {quantity === 'marginal-l1' && !exactRef ? (
            <label>reference N <input className="num small" type="text" value={referenceN} placeholder={`${4 * Math.max(...parseNs(ns).filter(Number.isFinite), 4)}`} onChange={(e) => setReferenceN(e.target.value)} /></label>
          ) : null}
        </fieldset>
        <p className="help">{QUANTITY_HELP[quantity]}. The run uses the current parameters (dt = {params.dt}: {Number(t) > 0 ? Math.round(Number(t) / params.dt) : '?'} steps) with fresh backends per point; the live run is paused meanwhile.
          {quantity === 'marginal-l1' ? (exactRef ? <> Reference: <b>{exactRef.name}</b>.</> : <> No exact reference for these parameters: a large-N run (independent seed) is the reference.</>) : null}
          {quantity === 'pair-entropy' ? <> Estimator: {estimatorFor(quantity, params)}.</> : null}</p>
        <div className="sweep-actions">
          <button type="submit" className="primary" data-action="sweep-run" disabled={running}>Run sweep</button>
          <button type="button" data-action="sweep-cancel" disabled={!running || sweep?.cancelRequested} onClick={cancel}>Cancel</button>
          <button type="button" data-action="sweep-export" disabled={!result || running} onClick={exportJson}>Export sweep JSON</button>
          {sweep ? (
            <span className="sweep-progress" data-testid="sweep-progress" aria-live="polite">
              <progress max={1} value={sweep.overall} /> {Math.round(100 * sweep.overall)} % overall · {sweep.label}{sweep.running ? ` · ${Math.round(100 * sweep.pointFraction)} % of this run` : ''}
            </span>
          ) : null}
        </div>
        {errors.length ? <p className="error" role="alert" data-testid="sweep-errors">{errors.join('; ')}</p> : null}
      </form>
      <div className="sweep-results">
        <div ref={plotHost} className="sweep-plot" data-testid="sweep-plot" />
        {result ? <SweepTable out={result} /> : <p className="muted sweep-empty">No sweep yet: pick N values and press Run sweep. Expected: slope −1 (O(1/N)) for the pair correlation and the mean-velocity spread; −½ (O(1/√N)) for the marginal L1; −2 (O(1/N²), sharp) for the pair entropy.</p>}
      </div>
    </section>
  );
}

function SweepTable({ out }: { out: SweepOutput }) {
  return (
    <div className="sweep-table" data-testid="sweep-table">
      {out.cancelled ? <p className="warning">Cancelled: the run in progress was discarded; the completed points are kept.</p> : null}
      <table>
        <thead><tr><th scope="col">system</th><th scope="col">N</th><th scope="col">{out.quantity}</th><th scope="col">± SE</th></tr></thead>
        <tbody>
          {out.series.flatMap((s) => s.points.map((p) => (
            <tr key={`${s.noise}-${p.n}`}><td>{out.params.model === 'landau' ? s.noise : out.params.model}</td><td>{p.n}</td><td className="num-cell">{fmt(p.value)}</td><td className="num-cell">{fmt(p.stdErr)}</td></tr>
          )))}
        </tbody>
      </table>
      <ul className="sweep-slopes">
        {out.series.map((s) => (
          <li key={s.noise} data-testid="sweep-slope">
            <b>{out.params.model === 'landau' ? s.noise : out.params.model}</b>: slope{' '}
            <span data-testid="sweep-slope-value">{Number.isFinite(s.slope) ? `${s.slope.toFixed(3)} ± ${s.slopeStdErr.toFixed(3)}` : `— (${s.fitError ?? 'no fit'})`}</span>
            {s.theory ? <> · exact law {s.theory.law}: slope {s.theory.slope.toFixed(3)}</> : null}
            {s.reference ? <div className="muted">reference: {s.reference}</div> : null}
          </li>
        ))}
      </ul>
      {out.estimator ? <p className="muted">Estimator: {out.estimator}.</p> : null}
      <p className="muted">Theory rates drawn: {out.theoryRates.map((r) => `${r.label} (slope ${r.slope})`).join(', ')}. Correlations and the mean's spread are O(1/N); L1 distances of marginals O(1/√N); the two-marginal relative entropy O(1/N²) in the sharp theory (O(k/N) from sub-additivity).</p>
    </div>
  );
}
