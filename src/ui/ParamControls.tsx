/**
 * Parameter controls generated from PARAM_DEFS (the one schema): label, one-line help, range,
 * options and option help all come from physics/params.ts. A value is parsed with parseValue and
 * the whole set checked with validateParams; an invalid value is shown with the schema's message
 * (naming the parameter and its range) and NOT applied.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import {
  GAMMA_PRESETS, PARAM_DEFS, describeRange, enumOptions, formatValue, isKellerSegel, kellerSegelCritical, paramWarnings, parseValue, relevantKeys, withModel,
  type ParamDef, type ParamError, type Params,
} from '../physics/params';
import { useAppState, useAppStore } from './storeContext';
import { allPairsCompareProblem, compareProblem, type CompareMode } from '../state/urlCodec';

/**
 * Keeps dependent fields consistent when one changes: a new model gets a valid init (withModel),
 * Landau temperatures follow init and d.
 */
export function withDependents(p: Params, changed: keyof Params): Params {
  if (changed === 'model') return withModel(p, p.model);
  const next = { ...p, temp: [...p.temp] };
  if (next.model !== 'landau') return next;
  if (next.init === 'aniso' && next.temp.length !== next.d) {
    next.temp = Array.from({ length: next.d }, (_, k) => next.temp[k] ?? next.temp[0] ?? 1);
  } else if (next.init !== 'aniso' && next.temp.length !== 1) {
    next.temp = [next.temp[0] ?? 1];
  }
  return next;
}

/** Applies one field; returns the messages to show (empty when applied). */
function useCommit(): (key: keyof Params, raw: string) => string[] {
  const store = useAppStore();
  return (key, raw) => {
    const def = PARAM_DEFS.find((d) => d.key === key)!;
    const { value, error } = parseValue(def, raw);
    if (error) return [error];
    const current = store.getState().params;
    const candidate = withDependents({ ...current, [key]: value } as Params, key);
    const errors: ParamError[] = store.getState().applyParams(candidate);
    return errors.map((e) => e.message);
  };
}

interface FieldProps {
  def: ParamDef;
}

function ParamField({ def }: FieldProps) {
  const id = useId();
  const applied = useAppState((s) => formatValue(def, s.params[def.key]));
  const params = useAppState((s) => s.params);
  // Non-blocking notes about the applied value (singular kernels, outside the theory).
  const warnings = paramWarnings(params).filter((w) => w.key === def.key).map((w) => w.message);
  const [draft, setDraft] = useState(applied);
  const [errors, setErrors] = useState<string[]>([]);
  const commit = useCommit();
  const sliderTimer = useRef<number | undefined>(undefined);

  // The applied value changed elsewhere (preset, link, dependent field): show it.
  useEffect(() => {
    setDraft(applied);
    setErrors([]);
  }, [applied]);
  useEffect(() => () => window.clearTimeout(sliderTimer.current), []);
  // A slider shows its value at once and commits it 250 ms after the last move.
  const slide = (v: string) => {
    setDraft(v);
    window.clearTimeout(sliderTimer.current);
    sliderTimer.current = window.setTimeout(() => tryCommit(v), 250);
  };

  const tryCommit = (raw: string) => {
    if (raw === applied) {
      setErrors([]);
      return;
    }
    setErrors(commit(def.key, raw));
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') tryCommit(draft);
    if (e.key === 'Escape') {
      setDraft(applied);
      setErrors([]);
    }
  };
  const helpId = `${id}-help`;
  const errId = `${id}-err`;
  const describedBy = errors.length ? `${helpId} ${errId}` : helpId;
  const invalid = errors.length > 0;
  let control: React.ReactNode;
  let optionHelp: string | undefined;

  const keSe = def.key === 'chi' && isKellerSegel(params);
  if (keSe && def.kind === 'number') {
    const max = chiScaleMax(params);
    control = (
      <>
        <span className="slider-pair">
          <input type="range" min={0} max={max} step={max / 400} value={Number.isFinite(Number(draft)) ? Math.min(Number(draft), max) : 0}
            aria-label={`${def.label} slider`} aria-describedby={describedBy}
            onChange={(e) => {
              const v = String(+Number(e.target.value).toPrecision(4));
              slide(v);
            }} />
          <input id={id} type="text" inputMode="decimal" className="num" value={draft} aria-describedby={describedBy} aria-invalid={invalid}
            onChange={(e) => setDraft(e.target.value)} onKeyDown={onKey} onBlur={() => tryCommit(draft)} />
        </span>
        <ChiCriticalScale params={params} draft={Number(draft)} max={max} />
      </>
    );
  } else if (def.key === 'gamma' && def.kind === 'number') {
    control = (
      <span className="slider-pair">
        <input type="range" min={def.min} max={def.max} step={0.05} value={Number.isFinite(Number(draft)) ? Number(draft) : 0}
          aria-label={`${def.label} slider`} aria-describedby={describedBy}
          onChange={(e) => {
            const v = e.target.value;
            slide(v);
          }} />
        <input id={id} type="text" inputMode="decimal" className="num" value={draft} aria-describedby={describedBy} aria-invalid={invalid}
          onChange={(e) => setDraft(e.target.value)} onKeyDown={onKey} onBlur={() => tryCommit(draft)} />
      </span>
    );
  } else {
    switch (def.kind) {
      case 'enum': {
        optionHelp = def.optionHelp?.[applied];
        control = (
          <select id={id} value={draft} aria-describedby={describedBy} aria-invalid={invalid}
            onChange={(e) => { setDraft(e.target.value); tryCommit(e.target.value); }}>
            {(enumOptions(def as never, params) as readonly unknown[]).map((o) => <option key={String(o)} value={String(o)}>{String(o)}</option>)}
          </select>
        );
        break;
      }
      case 'bool':
        control = (
          <input id={id} type="checkbox" checked={draft === '1'} aria-describedby={describedBy} aria-invalid={invalid}
            onChange={(e) => { const v = e.target.checked ? '1' : '0'; setDraft(v); tryCommit(v); }} />
        );
        break;
      case 'number':
      case 'int':
      case 'list':
        control = (
          <input id={id} type="text" inputMode={def.kind === 'list' ? 'text' : 'decimal'} className="num" value={draft}
            aria-describedby={describedBy} aria-invalid={invalid}
            onChange={(e) => setDraft(e.target.value)} onKeyDown={onKey} onBlur={() => tryCommit(draft)} />
        );
        break;
    }
  }

  return (
    <div className={`field field-${def.key}${invalid ? ' invalid' : ''}`} data-param={def.key}>
      <label htmlFor={id}>{def.label}</label>
      {control}
      <p id={helpId} className="help">
        {def.help}
        {def.kind !== 'enum' && def.kind !== 'bool' ? <span className="range"> Valid: {describeRange(def)}.</span> : null}
        {optionHelp ? <span className="option-help"> {applied}: {optionHelp}.</span> : null}
      </p>
      {warnings.length && !invalid ? <p className="warning">{warnings.join(' ')}</p> : null}
      {invalid ? (
        <p id={errId} className="error" role="alert">
          {errors.map((m) => <span key={m}>{m} — not applied.<br /></span>)}
        </p>
      ) : null}
    </div>
  );
}

/** Right end of the Keller–Segel χ slider: twice the critical 8πσ, or more to show the current χ. */
function chiScaleMax(p: Params): number {
  const crit = 8 * Math.PI * p.sigma;
  return +Math.max(2 * crit, 1.25 * p.chi, 1).toPrecision(3);
}

/**
 * The critical value of Keller–Segel marked on the χ control (models.md §3): the limit blows up iff
 * χ/σ > 8π (solid mark), the N-particle system collapses iff χ/σ > 8π(N−2)/(N−1) (dashed), with
 * the current χ and the regime in words. The scale has the slider's width less the thumb, so the
 * marks sit under the slider positions.
 */
function ChiCriticalScale({ params, draft, max }: { params: Params; draft: number; max: number }) {
  const { limit, finiteN } = kellerSegelCritical(params.n);
  const sigma = params.sigma;
  const chi = Number.isFinite(draft) ? draft : params.chi;
  const crit = limit * sigma, critN = finiteN * sigma;
  const pct = (x: number) => `${Math.max(0, Math.min(100, (100 * x) / max)).toFixed(2)}%`;
  const ratio = sigma > 0 ? chi / sigma : Infinity;
  const regime = sigma === 0
    ? 'σ = 0: no diffusion, any attraction collapses'
    : ratio > limit
      ? `χ/σ = ${ratio.toFixed(2)} > 8π ≈ ${limit.toFixed(2)}: supercritical — the limit blows up, the particles collapse`
      : ratio > finiteN
        ? `χ/σ = ${ratio.toFixed(2)}: between 8π(N−2)/(N−1) ≈ ${finiteN.toFixed(2)} and 8π — the N particles collapse, the limit does not`
        : `χ/σ = ${ratio.toFixed(2)} < 8π ≈ ${limit.toFixed(2)}: subcritical — spreading`;
  return (
    <div className="chi-critical" data-testid="chi-critical">
      <div className="chi-scale" style={{ '--crit': pct(crit) } as React.CSSProperties} aria-hidden="true">
        <div className="track" />
        <div className="mark critical" data-testid="chi-critical-marker" style={{ left: pct(crit) }} title="critical value 8πσ"><span>8πσ = {crit.toPrecision(4)}</span></div>
        {Math.abs(critN - crit) / Math.max(crit, 1e-12) > 0.004 ? <div className="mark finite" style={{ left: pct(critN) }} title="N-particle critical value 8πσ(N−2)/(N−1)" /> : null}
        <div className="mark current" style={{ left: pct(chi) }} title="current χ" />
      </div>
      <p className={`chi-regime ${ratio > finiteN ? 'super' : 'sub'}`} data-testid="chi-regime">{regime}. Marks: 8πσ (solid), 8πσ(N−2)/(N−1) = {critN.toPrecision(4)} (dashed), current χ (blue).</p>
    </div>
  );
}

/** Model and kernel: the model selector and the named γ regimes (GAMMA_PRESETS). */
function GammaPresets() {
  const store = useAppStore();
  const gamma = useAppState((s) => s.params.gamma);
  const [msg, setMsg] = useState<string[]>([]);
  return (
    <div className="gamma-presets" role="group" aria-label="Kernel presets (γ regimes)">
      <span className="group-label">Kernel:</span>
      {GAMMA_PRESETS.map((g) => (
        <button key={g.name} type="button" aria-pressed={gamma === g.gamma}
          title={`α(r) = r^${g.gamma}`}
          onClick={() => {
            const p = store.getState().params;
            // Soft potentials need ε > 0: keep the user's ε if it is valid, else the default.
            const next = { ...p, gamma: g.gamma, eps: g.gamma < 0 && !(p.eps > 0) ? 0.1 : p.eps };
            setMsg(store.getState().applyParams(next).map((e) => e.message));
          }}>
          {g.name} <span className="muted">γ = {g.gamma}</span>
        </button>
      ))}
      {msg.length ? <p className="error" role="alert">{msg.join('; ')}</p> : null}
    </div>
  );
}

/** The companion run (a second noise system from the same particles) for the noise comparison. */
function CompareField() {
  const store = useAppStore();
  const id = useId();
  const compare = useAppState((s) => s.compare);
  const params = useAppState((s) => s.params);
  const noise = params.noise;
  const def = PARAM_DEFS.find((d) => d.key === 'noise')!;
  // Only companions that can run beside these parameters (e.g. no two-point increments beside random batches).
  const options: string[] = def.kind === 'enum' ? def.options.filter((o) => o !== noise && compareProblem(params, o as CompareMode) === null).map(String) : [];
  // Random batches (models.md §1.5) can be compared with all pairs where all pairs fit.
  const allPairs = allPairsCompareProblem(params) === null;
  return (
    <div className="field field-compare">
      <label htmlFor={id}>Compare with noise</label>
      <select id={id} value={compare ?? ''} aria-describedby={`${id}-help`}
        onChange={(e) => {
          const p = store.getState().params;
          store.getState().applyParams(p, (e.target.value || null) as CompareMode | null);
        }}>
        <option value="">(none)</option>
        {allPairs ? <option value="all-pairs">all pairs (same noise, O(N²))</option> : null}
        {options.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
      <p id={`${id}-help`} className="help">A second run from the same initial particles with another noise system{allPairs ? ', or with all pairs beside these random batches' : ''}; its curves are drawn dashed.</p>
    </div>
  );
}

/** Keys placed in the named sections; any other relevant key (model-specific) goes to "Model parameters". */
const SECTIONS: { legend: string; keys: (keyof Params)[] }[] = [
  { legend: 'Particles and time', keys: ['d', 'n', 'replicas', 'dt', 'seed'] },
  { legend: 'Initial data', keys: ['init', 'temp', 'shift', 'width', 'amp', 'normalize'] },
  { legend: 'Generator', keys: ['rng'] },
];
const MODEL_SECTION_FIRST: (keyof Params)[] = ['gamma', 'eps', 'noise'];

export function ParamControls() {
  const params = useAppState((s) => s.params);
  const relevant = relevantKeys(params);
  const defs = PARAM_DEFS.filter((d) => relevant.includes(d.key));
  const placed = new Set<keyof Params>(['model', ...SECTIONS.flatMap((x) => x.keys)]);
  const field = (d: ParamDef) => <ParamField key={`${params.model}-${d.key}`} def={d} />;
  const modelKeys = defs.filter((d) => !placed.has(d.key))
    .sort((a, b) => (MODEL_SECTION_FIRST.indexOf(a.key) + 1 || 99) - (MODEL_SECTION_FIRST.indexOf(b.key) + 1 || 99));
  const landau = params.model === 'landau';
  return (
    <form className="param-controls" aria-label="Simulation parameters" onSubmit={(e) => e.preventDefault()}>
      <fieldset>
        <legend>Model and kernel</legend>
        {defs.filter((d) => d.key === 'model').map(field)}
        {landau ? <GammaPresets /> : null}
        {modelKeys.map(field)}
        {landau ? <CompareField /> : null}
      </fieldset>
      {SECTIONS.map((sec) => {
        const inSection = sec.keys.map((k) => defs.find((d) => d.key === k)).filter((d): d is ParamDef => d !== undefined);
        return inSection.length ? (
          <fieldset key={sec.legend}>
            <legend>{sec.legend}</legend>
            {inSection.map(field)}
          </fieldset>
        ) : null;
      })}
    </form>
  );
}

