/**
 * The parameter schema: one definition per parameter (range, default, help text), used by the
 * share link, the UI controls, the headless runner and the engines. Pure TypeScript.
 *
 * Canonical names follow the engine issue: model, d, n, dt, seed, gamma, eps, noise, init, temp,
 * replicas; plus shift (bimaxwellian), normalize and rng.
 */
import type { RngKind } from './rng';

export type Model = 'landau';
export type Noise = 'nanbu' | 'fgm' | 'kac';
export type InitKind = 'gaussian' | 'aniso' | 'bkw' | 'bimaxwellian' | 'shell';

export interface Params {
  model: Model;
  d: 2 | 3;
  n: number;
  replicas: number;
  dt: number;
  seed: number;
  gamma: number;
  eps: number;
  noise: Noise;
  init: InitKind;
  temp: number[];
  shift: number;
  normalize: boolean;
  rng: RngKind;
}

interface Base<K extends keyof Params> {
  key: K;
  label: string;
  /** One line shown beside the control and in error messages. */
  help: string;
  default: Params[K];
}
export interface IntDef<K extends keyof Params> extends Base<K> { kind: 'int'; min: number; max: number }
export interface NumDef<K extends keyof Params> extends Base<K> {
  kind: 'number';
  min: number;
  max: number;
  /** min is excluded from the valid range (e.g. dt > 0). */
  minExclusive?: boolean;
}
export interface EnumDef<K extends keyof Params> extends Base<K> {
  kind: 'enum';
  options: readonly Params[K][];
  optionHelp?: Record<string, string>;
}
export interface ListDef<K extends keyof Params> extends Base<K> {
  kind: 'list';
  min: number;
  max: number;
  minExclusive?: boolean;
  minLength: number;
  maxLength: number;
}
export interface BoolDef<K extends keyof Params> extends Base<K> { kind: 'bool' }
export type ParamDef =
  | IntDef<'d'> | IntDef<'n'> | IntDef<'replicas'> | IntDef<'seed'>
  | NumDef<'dt'> | NumDef<'gamma'> | NumDef<'eps'> | NumDef<'shift'>
  | EnumDef<'model'> | EnumDef<'noise'> | EnumDef<'init'> | EnumDef<'rng'>
  | ListDef<'temp'> | BoolDef<'normalize'>;

/** Largest N of one replica: particle indices are packed in 16 bits of the RNG's pair word. */
export const MAX_N = 65536;
/** Largest total particle count n · replicas (GPU buffers and dispatch sizes). */
export const MAX_TOTAL = 1 << 20;

export const PARAM_DEFS: readonly ParamDef[] = [
  { key: 'model', kind: 'enum', label: 'Model', default: 'landau', options: ['landau'],
    help: 'Which system: landau = space-homogeneous Landau particle systems (models.md §1).' },
  { key: 'd', kind: 'int', label: 'Dimension d', default: 3, min: 2, max: 3,
    help: 'Velocity dimension, 2 or 3.' },
  { key: 'n', kind: 'int', label: 'Particles N', default: 4096, min: 2, max: MAX_N,
    help: 'Particles per replica; each step costs N² pair interactions.' },
  { key: 'replicas', kind: 'int', label: 'Replicas R', default: 1, min: 1, max: 4096,
    help: 'Independent systems of N particles run side by side (ensemble statistics).' },
  { key: 'dt', kind: 'number', label: 'Time step dt', default: 0.002, min: 0, max: 1, minExclusive: true,
    help: 'Euler–Maruyama time step (our time: collision constant C = 1).' },
  { key: 'seed', kind: 'int', label: 'Seed', default: 1, min: 0, max: 4294967295,
    help: 'Random seed: the same seed reproduces the same run.' },
  { key: 'gamma', kind: 'number', label: 'γ (potential exponent)', default: 0, min: -3, max: 1,
    help: 'α(r) = r^γ: 1 hard spheres … 0 Maxwellian … −3 Coulomb.' },
  { key: 'eps', kind: 'number', label: 'ε (regularisation)', default: 0.1, min: 0, max: 10,
    help: 'α_ε(r) = (r² + ε²)^(γ/2); must be > 0 when γ < 0.' },
  { key: 'noise', kind: 'enum', label: 'Noise system', default: 'nanbu', options: ['nanbu', 'fgm', 'kac'],
    help: 'Particle system of models.md §1.1.',
    optionHelp: {
      nanbu: 'N Brownian motions, Cholesky factor of the averaged matrix Ā',
      fgm: 'N² independent pair Brownian motions (Fontbona–Guérin–Méléard)',
      kac: 'antisymmetric pair noises: momentum exact, energy conserved almost surely',
    } },
  { key: 'init', kind: 'enum', label: 'Initial data', default: 'gaussian',
    options: ['gaussian', 'aniso', 'bkw', 'bimaxwellian', 'shell'],
    help: 'Initial velocity law, sampled exactly.',
    optionHelp: {
      gaussian: 'isotropic Gaussian of temperature temp',
      aniso: 'Gaussian with per-axis temperatures temp = T1,…,Td',
      bkw: 'BKW exact solution (T = 1) at its start time, models.md §1.2',
      bimaxwellian: 'two Gaussians of temperature temp with means ±shift along v_x',
      shell: 'uniform on the sphere of speed √(d·temp)',
    } },
  { key: 'temp', kind: 'list', label: 'Temperature(s)', default: [1], min: 0, max: 100, minExclusive: true,
    minLength: 1, maxLength: 3,
    help: 'Temperature; for init=aniso one per axis (comma separated).' },
  { key: 'shift', kind: 'number', label: 'Shift', default: 1.5, min: 0, max: 100,
    help: 'bimaxwellian: the two means are ±shift·e_x.' },
  { key: 'normalize', kind: 'bool', label: 'Recentre & rescale', default: true,
    help: 'Recentre each replica to zero momentum and rescale to the law’s exact energy.' },
  { key: 'rng', kind: 'enum', label: 'Generator', default: 'pcg4d', options: ['pcg4d', 'philox'],
    help: 'Counter-based generator: pcg4d (fast) or Philox4x32-10 (reference quality).' },
];

export function paramDef<K extends keyof Params>(key: K): ParamDef & { key: K } {
  const def = PARAM_DEFS.find((p) => p.key === key);
  if (!def) throw new Error(`no parameter definition for ${String(key)}`);
  return def as ParamDef & { key: K };
}

export function defaultParams(): Params {
  const p: Record<string, unknown> = {};
  for (const def of PARAM_DEFS) p[def.key] = Array.isArray(def.default) ? [...def.default] : def.default;
  return p as unknown as Params;
}

/** Named presets of γ (models.md §1: regimes in d = 3). */
export const GAMMA_PRESETS = [
  { name: 'hard', gamma: 1 },
  { name: 'Maxwellian', gamma: 0 },
  { name: 'moderately soft', gamma: -1 },
  { name: 'very soft', gamma: -2.5 },
  { name: 'Coulomb', gamma: -3 },
] as const;

export interface ParamError {
  /** The parameter (or the unknown field) the message is about. */
  key: string;
  message: string;
}

/** Human-readable valid range of a parameter, used in every message. */
export function describeRange(def: ParamDef): string {
  switch (def.kind) {
    case 'int':
      return `an integer in [${def.min}, ${def.max}]`;
    case 'number':
      return `a number in ${def.minExclusive ? '(' : '['}${def.min}, ${def.max}]`;
    case 'enum':
      return `one of ${def.options.join(', ')}`;
    case 'list':
      return `${def.minLength === def.maxLength ? def.minLength : `${def.minLength}–${def.maxLength}`} comma-separated numbers in ${def.minExclusive ? '(' : '['}${def.min}, ${def.max}]`;
    case 'bool':
      return '0 or 1';
  }
}

function inRange(x: number, def: { min: number; max: number; minExclusive?: boolean }): boolean {
  return Number.isFinite(x) && (def.minExclusive ? x > def.min : x >= def.min) && x <= def.max;
}

/** Parses one raw string value; returns the typed value or an error message. */
export function parseValue(def: ParamDef, raw: string): { value?: unknown; error?: string } {
  const bad = { error: `${def.key}: got "${raw}", expected ${describeRange(def)}` };
  const s = raw.trim();
  switch (def.kind) {
    case 'int': {
      if (!/^[+-]?\d+$/.test(s)) return bad;
      const x = Number(s);
      return Number.isSafeInteger(x) && x >= def.min && x <= def.max ? { value: x } : bad;
    }
    case 'number': {
      if (s === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return bad;
      const x = Number(s);
      return inRange(x, def) ? { value: x } : bad;
    }
    case 'enum':
      return (def.options as readonly string[]).includes(s) ? { value: s } : bad;
    case 'list': {
      const parts = s.split(',');
      if (parts.length < def.minLength || parts.length > def.maxLength) return bad;
      const xs = parts.map((t) => (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t.trim()) ? Number(t) : NaN));
      return xs.every((x) => inRange(x, def)) ? { value: xs } : bad;
    }
    case 'bool':
      if (s === '1' || s === 'true') return { value: true };
      if (s === '0' || s === 'false') return { value: false };
      return bad;
  }
}

/** Formats a typed value for the share link (shortest round-tripping text). */
export function formatValue(def: ParamDef, value: unknown): string {
  switch (def.kind) {
    case 'list':
      return (value as number[]).map((x) => String(x)).join(',');
    case 'bool':
      return value ? '1' : '0';
    default:
      return String(value);
  }
}

/**
 * Checks a complete parameter set, including the rules that tie parameters together.
 * Every message names the parameter and its valid range.
 */
export function validateParams(p: Params): ParamError[] {
  const errors: ParamError[] = [];
  for (const def of PARAM_DEFS) {
    const v = p[def.key];
    const { error } = parseValue(def, formatValue(def, v));
    if (error || (def.kind === 'number' && typeof v !== 'number')) {
      errors.push({ key: def.key, message: error ?? `${def.key}: expected ${describeRange(def)}` });
    }
  }
  if (errors.length) return errors;
  if (p.gamma < 0 && !(p.eps > 0)) {
    errors.push({ key: 'eps', message: `eps: must be in (0, 10] when gamma < 0 (got ${p.eps}); the particle system is singular at z = 0 without it` });
  }
  if (p.n * p.replicas > MAX_TOTAL) {
    errors.push({ key: 'replicas', message: `replicas: n · replicas must be ≤ ${MAX_TOTAL} (got ${p.n} · ${p.replicas})` });
  }
  if (p.init === 'aniso' && p.temp.length !== p.d) {
    errors.push({ key: 'temp', message: `temp: init=aniso needs ${p.d} comma-separated temperatures in (0, 100], one per axis (got ${p.temp.length})` });
  }
  if (p.init !== 'aniso' && p.temp.length !== 1) {
    errors.push({ key: 'temp', message: `temp: init=${p.init} takes one temperature in (0, 100] (got ${p.temp.length}); per-axis temperatures are for init=aniso` });
  }
  return errors;
}

/** Parameters relevant to a parameter set (the others are left out of links and the UI). */
export function relevantKeys(p: Params): (keyof Params)[] {
  const keys: (keyof Params)[] = ['model', 'd', 'n', 'replicas', 'dt', 'seed', 'gamma', 'eps', 'noise', 'init'];
  if (p.init !== 'bkw') keys.push('temp');
  if (p.init === 'bimaxwellian') keys.push('shift');
  keys.push('normalize', 'rng');
  return keys;
}

export interface ParseResult {
  params: Params;
  /** Invalid values: the default was kept for them. */
  errors: ParamError[];
  /** Fields that are not parameters at all. */
  unknown: string[];
}

/**
 * Parses a share-link query (`model=landau&d=3&…`). Valid fields are kept, invalid ones are
 * reported and replaced by their default, unknown ones are reported and ignored. Cross-field
 * rules are then checked. `v` (the link version) is accepted.
 */
export function parseQuery(query: string | URLSearchParams, base: Params = defaultParams()): ParseResult {
  const sp = typeof query === 'string' ? new URLSearchParams(query.replace(/^[?#]/, '')) : query;
  const params: Params = { ...base, temp: [...base.temp] };
  const errors: ParamError[] = [];
  const unknown: string[] = [];
  const known = new Set<string>(PARAM_DEFS.map((d) => d.key));
  for (const [key, raw] of sp) {
    if (key === 'v') {
      if (raw !== String(LINK_VERSION)) errors.push({ key: 'v', message: `v: link version ${raw} is not known; this app reads version ${LINK_VERSION}` });
      continue;
    }
    if (!known.has(key)) {
      unknown.push(key);
      continue;
    }
    const def = PARAM_DEFS.find((d) => d.key === key)!;
    const { value, error } = parseValue(def, raw);
    if (error) errors.push({ key, message: error });
    else (params as unknown as Record<string, unknown>)[key] = value;
  }
  // Cross-field rules: on failure, fall back to a valid combination and say so.
  for (const e of validateParams(params)) {
    errors.push(e);
    if (e.key === 'eps') params.eps = paramDef('eps').default;
    if (e.key === 'replicas') params.replicas = Math.max(1, Math.floor(MAX_TOTAL / params.n));
    if (e.key === 'temp') params.temp = params.init === 'aniso' ? Array(params.d).fill(params.temp[0] ?? 1) : [params.temp[0] ?? 1];
  }
  return { params, errors, unknown };
}

export const LINK_VERSION = 1;

/** The share-link query for a parameter set: versioned, relevant fields only, fixed order. */
export function toQuery(p: Params): string {
  const sp = new URLSearchParams();
  sp.set('v', String(LINK_VERSION));
  for (const key of relevantKeys(p)) sp.set(key, formatValue(paramDef(key), p[key]));
  return sp.toString();
}

/** The README's parameter table, generated from the schema (tests/unit/readme.test.ts keeps them equal). */
export function paramsMarkdownTable(): string {
  const rows = PARAM_DEFS.map((def) => {
    const dflt = formatValue(def, def.default);
    const opts = def.kind === 'enum' && def.optionHelp
      ? ' ' + def.options.map((o) => `\`${String(o)}\`: ${def.optionHelp![String(o)]}`).join('; ') + '.'
      : '';
    return `| \`${def.key}\` | ${describeRange(def)} | \`${dflt}\` | ${def.help}${opts} |`;
  });
  return ['| parameter | valid values | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
