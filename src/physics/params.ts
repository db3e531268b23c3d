/**
 * The parameter schema: one definition per parameter (range, default, help text), used by the
 * share link, the UI controls, the headless runner and the engines. Pure TypeScript.
 *
 * Canonical names follow the engine issue: model, d, n, dt, seed, gamma, eps, noise, init, temp,
 * replicas; plus shift (bimaxwellian), normalize and rng. Issue 5 adds the first-order systems of
 * models.md §3 (kernel, circ, sign, chi, s, sigma, width) and the torus of §2 (lambda, kappa, amp).
 * `init` is one enum whose valid options depend on the model (INIT_OPTIONS).
 */
import type { RngKind } from './rng';

export type Model = 'landau' | 'first-order' | 'torus';
/** Pair interactions of one step (models.md §1.5): all N² pairs, or random batches of `batch` particles. */
export type Interactions = 'all' | 'batch';
export type Noise = 'nanbu' | 'fgm' | 'kac' | 'rotation' | 'rotation-shared';
/**
 * Law of the pair-noise increments of one Euler–Maruyama step (issue 13): Gaussian, or the
 * simplified weak Euler scheme's two-point ±1 (Kloeden–Platen §14.1: same mean and variance,
 * weak order 1 kept).
 */
export type Increments = 'gaussian' | 'two-point';
export type LandauInit = 'gaussian' | 'aniso' | 'bkw' | 'bimaxwellian' | 'shell';
export type FirstOrderInit = 'gaussian' | 'disc' | 'two-blobs' | 'ring';
export type TorusInit = 'cosine' | 'wrapped-gaussian';
export type InitKind = LandauInit | FirstOrderInit | TorusInit;
/** First-order interaction kernels of models.md §3. */
export type KernelKind = 'biot-savart' | 'coulomb' | 'riesz' | 'regular';
/** Law of the vortex circulations m_j (Biot–Savart only). */
export type Circulation = 'plus' | 'pm' | 'uniform';
export type KernelSign = 'repulsive' | 'attractive';

/** Valid initial data per model (the `init` enum holds their union). */
export const INIT_OPTIONS: Record<Model, readonly InitKind[]> = {
  landau: ['gaussian', 'aniso', 'bkw', 'bimaxwellian', 'shell'],
  'first-order': ['gaussian', 'disc', 'two-blobs', 'ring'],
  torus: ['cosine', 'wrapped-gaussian'],
};

/** Kernels singular at 0 (ε = 0 allowed with a warning). `regular` is smooth and ignores ε. */
export function isSingularKernel(k: KernelKind): boolean {
  return k !== 'regular';
}

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
  /** landau, pair noises (fgm, kac, rotation, rotation-shared): Gaussian or two-point ±1 increments. */
  increments: Increments;
  init: InitKind;
  temp: number[];
  shift: number;
  normalize: boolean;
  rng: RngKind;
  /** first-order (models.md §3): interaction kernel K. */
  kernel: KernelKind;
  /** first-order, Biot–Savart: law of the circulations m_j. */
  circ: Circulation;
  /** first-order, coulomb/riesz/regular: + repulsive, − attractive. */
  sign: KernelSign;
  /** first-order: strength χ multiplying K. */
  chi: number;
  /** first-order, riesz: exponent s of K = ±χ c_d x/|x|^(s+2). */
  s: number;
  /** first-order: diffusion σ (noise √(2σ) dB). */
  sigma: number;
  /** first-order and torus: size of the initial blob (std, radius). */
  width: number;
  /** torus (models.md §2): ellipticity λ of a(z) = λI + κ w wᵀ. */
  lambda: number;
  /** torus: strength κ ≥ 0 of the rank-one part. */
  kappa: number;
  /** torus, init=cosine: amplitude of the density 1 + amp·cos 2πx₁. */
  amp: number;
  /** landau (models.md §1.5): all pairs, or a random partition into batches each step. */
  interactions: Interactions;
  /** interactions=batch: batch size p (p = 2 with noise=kac: exact random pairs). */
  batch: number;
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
  /** All values the field can take (for `init`: the union over models). */
  options: readonly Params[K][];
  optionHelp?: Record<string, string>;
  /** Valid options per model, where they depend on it (`init`); see enumOptions. */
  optionsByModel?: Record<Model, readonly Params[K][]>;
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
  | NumDef<'chi'> | NumDef<'s'> | NumDef<'sigma'> | NumDef<'width'>
  | NumDef<'lambda'> | NumDef<'kappa'> | NumDef<'amp'>
  | EnumDef<'model'> | EnumDef<'noise'> | EnumDef<'increments'> | EnumDef<'init'> | EnumDef<'rng'>
  | EnumDef<'kernel'> | EnumDef<'circ'> | EnumDef<'sign'>
  | ListDef<'temp'> | BoolDef<'normalize'>
  | EnumDef<'interactions'> | IntDef<'batch'>;

/** Largest N of one replica: particle indices are packed in 16 bits of the RNG's pair word. */
export const MAX_N = 65536;
/** Largest total particle count n · replicas (GPU buffers and dispatch sizes). */
export const MAX_TOTAL = 1 << 20;
/**
 * Largest n · replicas with interactions=batch (models.md §1.5: O(N·p) per step). Batch keys pack
 * a particle index in 22 bits (randomBatch.ts), so this also bounds N of one replica.
 */
export const MAX_BATCH_TOTAL = 1 << 22;
/** Batch sizes p of interactions=batch (models.md §1.5). */
export const MIN_BATCH = 2;
export const MAX_BATCH = 64;

export const PARAM_DEFS: readonly ParamDef[] = [
  { key: 'model', kind: 'enum', label: 'Model', default: 'landau', options: ['landau', 'first-order', 'torus'],
    help: 'Which system (models.md §1–3).',
    optionHelp: {
      landau: 'space-homogeneous Landau particle systems (velocities), models.md §1',
      'first-order': 'first-order mean-field systems dX = (1/N)Σ m_j K(X−X_j) dt + √(2σ) dB (positions): vortices, Coulomb/log gas, Riesz, Keller–Segel, models.md §3',
      torus: 'Landau-like nanbu system on the periodic cell [0,1)^d, a(z) = λI + κ w wᵀ, models.md §2',
    } },
  { key: 'd', kind: 'int', label: 'Dimension d', default: 3, min: 2, max: 3,
    help: 'Dimension, 2 or 3: of velocities (landau) or positions (first-order, torus).' },
  { key: 'n', kind: 'int', label: 'Particles N', default: 4096, min: 2, max: MAX_BATCH_TOTAL,
    help: `Particles per replica; each step costs N² pair interactions (interactions=all: N ≤ ${MAX_N}, N·R ≤ ${MAX_TOTAL}; interactions=batch: N·p, N·R ≤ ${MAX_BATCH_TOTAL}).` },
  { key: 'replicas', kind: 'int', label: 'Replicas R', default: 1, min: 1, max: 4096,
    help: 'Independent systems of N particles run side by side (ensemble statistics).' },
  { key: 'dt', kind: 'number', label: 'Time step dt', default: 0.002, min: 0, max: 1, minExclusive: true,
    help: 'Euler–Maruyama time step (Landau: our time, collision constant C = 1).' },
  { key: 'seed', kind: 'int', label: 'Seed', default: 1, min: 0, max: 4294967295,
    help: 'Random seed: the same seed reproduces the same run.' },
  { key: 'gamma', kind: 'number', label: 'γ (potential exponent)', default: 0, min: -3, max: 1,
    help: 'α(r) = r^γ: 1 hard spheres … 0 Maxwellian … −3 Coulomb.' },
  { key: 'eps', kind: 'number', label: 'ε (regularisation)', default: 0.1, min: 0, max: 10,
    help: 'landau: α_ε(r) = (r² + ε²)^(γ/2), must be > 0 when γ < 0; first-order: |x|² → |x|² + ε² in singular kernels (0 allowed, with a warning).' },
  { key: 'noise', kind: 'enum', label: 'Noise system', default: 'nanbu', options: ['nanbu', 'fgm', 'kac', 'rotation', 'rotation-shared'],
    help: 'Particle system of models.md §1.1 and §1.4.',
    optionHelp: {
      nanbu: 'N Brownian motions, Cholesky factor of the averaged matrix Ā',
      fgm: 'N² independent pair Brownian motions (Fontbona–Guérin–Méléard)',
      kac: 'antisymmetric pair noises: momentum exact, energy conserved almost surely',
      rotation: 'noise along the rotation generators α^(1/2)ξ_αβ(z), d(d−1)/2 independent scalar noises per ordered pair: no matrix root, no projection basis; same Liouville equation as nanbu (models.md §1.4)',
      'rotation-shared': 'COUNTER-EXAMPLE: formula (1.8) as printed, particle j’s d(d−1)/2 Brownian motions drive every particle: common noise, NO propagation of chaos; E|V̄(t)|² = E(1 − e^(−2(d−1)t)) for every N (γ = 0, models.md §1.4)',
    } },
  { key: 'increments', kind: 'enum', label: 'Pair-noise increments', default: 'gaussian', options: ['gaussian', 'two-point'],
    help: 'landau, pair-noise systems: law of each pair-noise component of one Euler–Maruyama step (nanbu’s per-particle normals stay Gaussian).',
    optionHelp: {
      gaussian: 'standard normal (Euler–Maruyama, weak order 1)',
      'two-point': '±1 with probability ½ each, from the bits of one hash: the simplified weak Euler scheme (Kloeden–Platen §14.1), same mean and variance, weak order 1; no Box–Muller',
    } },
  { key: 'init', kind: 'enum', label: 'Initial data', default: 'gaussian',
    options: ['gaussian', 'aniso', 'bkw', 'bimaxwellian', 'shell', 'disc', 'two-blobs', 'ring', 'cosine', 'wrapped-gaussian'],
    optionsByModel: INIT_OPTIONS,
    help: 'Initial law, sampled exactly; the valid options depend on the model.',
    optionHelp: {
      gaussian: 'landau: isotropic Gaussian of temperature temp; first-order: N(0, width² I) (Lamb–Oseen with circ=plus)',
      aniso: 'landau: Gaussian with per-axis temperatures temp = T1,…,Td',
      bkw: 'landau: BKW exact solution (T = 1) at its start time, models.md §1.2',
      bimaxwellian: 'landau: two Gaussians of temperature temp with means ±shift along v_x',
      shell: 'landau: uniform on the sphere of speed √(d·temp)',
      disc: 'first-order: uniform in the disc (ball) of radius width',
      'two-blobs': 'first-order: two Gaussians of std width centred at ±shift·e_x (vortex merger)',
      ring: 'first-order: uniform on the circle of radius width in the (x₁, x₂) plane',
      cosine: 'torus: density 1 + amp·cos 2πx₁ on [0,1)^d',
      'wrapped-gaussian': 'torus: N(½, width² I) wrapped onto [0,1)^d',
    } },
  { key: 'temp', kind: 'list', label: 'Temperature(s)', default: [1], min: 0, max: 100, minExclusive: true,
    minLength: 1, maxLength: 3,
    help: 'Temperature; for init=aniso one per axis (comma separated).' },
  { key: 'shift', kind: 'number', label: 'Shift', default: 1.5, min: 0, max: 100,
    help: 'bimaxwellian: the two means are ±shift·e_x; two-blobs: the two centres are ±shift·e_x.' },
  { key: 'normalize', kind: 'bool', label: 'Recentre & rescale', default: true,
    help: 'Recentre each replica to zero mean and rescale to the law’s exact energy (1/N)Σ|V|² (first-order: (1/N)Σ|X|²).' },
  { key: 'rng', kind: 'enum', label: 'Generator', default: 'pcg4d', options: ['pcg4d', 'philox'],
    help: 'Counter-based generator: pcg4d (fast) or Philox4x32-10 (reference quality).' },
  { key: 'interactions', kind: 'enum', label: 'Interactions', default: 'all', options: ['all', 'batch'],
    help: 'landau: which pairs interact in a step (models.md §1.5).',
    optionHelp: {
      all: 'every pair of the replica: N² pair interactions per step',
      batch: 'a fresh uniformly random partition of each replica into batches of p each step; sums (1/N)Σ_j → w Σ_(j in batch), w = (N−1)/(N(s−1)) for a batch of s particles (the N mod p leftover particles join the last batch): N·p work per step, O(dt) weak error uniform in N. With noise=kac and p = 2: exact random pairs (pair mean and |z| fixed, z/|z| a spherical Brownian motion). With noise=rotation-shared a partner’s noise drives only its own batch (at p = 2: rotation’s law), so it is not the §1.4 counter-example',
    } },
  { key: 'batch', kind: 'int', label: 'Batch size p', default: 2, min: MIN_BATCH, max: MAX_BATCH,
    help: 'interactions=batch: particles per batch (the last batch also takes the N mod p leftover particles).' },
  { key: 'kernel', kind: 'enum', label: 'Kernel K', default: 'biot-savart', options: ['biot-savart', 'coulomb', 'riesz', 'regular'],
    help: 'first-order: interaction kernel of models.md §3, regularised by |x|² → |x|² + ε².',
    optionHelp: {
      'biot-savart': 'K = χ x⊥/(2π|x|²), 2D viscous vortices with circulations m_j (d = 2 only)',
      coulomb: 'K = ±χ c_d x/|x|^d, c_2 = 1/(2π), c_3 = 1/(4π); 2D: log gas (repulsive), Keller–Segel (attractive)',
      riesz: 'K = ±χ c_d x/|x|^(s+2) (s = d − 2 is Coulomb); sub-Coulomb 0 ≤ s < d − 2',
      regular: 'K = ±χ x e^(−|x|²/2), smooth (W^{1,∞}) for comparison; ignores ε',
    } },
  { key: 'circ', kind: 'enum', label: 'Circulations m_j', default: 'plus', options: ['plus', 'pm', 'uniform'],
    help: 'first-order, biot-savart: i.i.d. circulations of the vortices (other kernels: m_j = 1).',
    optionHelp: { plus: 'all +1', pm: '±1 with probability ½ each', uniform: 'uniform on [−1, 1]' } },
  { key: 'sign', kind: 'enum', label: 'Sign', default: 'repulsive', options: ['repulsive', 'attractive'],
    help: 'first-order, coulomb/riesz/regular: + repulsive or − attractive (2D coulomb attractive = Keller–Segel).' },
  { key: 'chi', kind: 'number', label: 'χ (strength)', default: 1, min: 0, max: 1000,
    help: 'first-order: strength χ multiplying K. Keller–Segel: the limit blows up iff χ/σ > 8π; N particles collapse iff χ/σ > 8π(N−2)/(N−1).' },
  { key: 's', kind: 'number', label: 's (Riesz exponent)', default: 0, min: -2, max: 4,
    help: 'first-order, riesz: K ∝ x/|x|^(s+2); the theory covers 0 ≤ s < d − 2 (other s run with a warning).' },
  { key: 'sigma', kind: 'number', label: 'σ (diffusion)', default: 0.1, min: 0, max: 100,
    help: 'first-order: diffusion σ, noise √(2σ) dB (vortices: viscosity ν = σ).' },
  { key: 'width', kind: 'number', label: 'Width', default: 1, min: 0, max: 100, minExclusive: true,
    help: 'first-order: std of gaussian/two-blobs, radius of disc/ring; torus: std of wrapped-gaussian (e.g. 0.1).' },
  { key: 'lambda', kind: 'number', label: 'λ (ellipticity)', default: 0.1, min: 0, max: 100, minExclusive: true,
    help: 'torus: a(z) = λI + κ w(z) w(z)ᵀ, so λI ≤ a ≤ (λ + κ)I (models.md §2).' },
  { key: 'kappa', kind: 'number', label: 'κ (rank-one part)', default: 1, min: 0, max: 100,
    help: 'torus: strength of κ w wᵀ, w(z) = (sin 2πz_1, …, sin 2πz_d)/√d.' },
  { key: 'amp', kind: 'number', label: 'Amplitude', default: 0.5, min: 0, max: 1,
    help: 'torus, init=cosine: density 1 + amp·cos 2πx₁ (the mode decays like e^(−4π²(λ + κ/2d)t)).' },
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
  /** What parseQuery did about it, when not simply keeping the default ("using replicas = 16"). */
  fixed?: string;
}

/** Human-readable valid range of a parameter, used in every message. */
export function describeRange(def: ParamDef): string {
  switch (def.kind) {
    case 'int':
      return `an integer in [${def.min}, ${def.max}]`;
    case 'number':
      return `a number in ${def.minExclusive ? '(' : '['}${def.min}, ${def.max}]`;
    case 'enum':
      if (def.optionsByModel) {
        return `one of ${def.options.join(', ')} (${Object.entries(def.optionsByModel).map(([m, o]) => `${m}: ${(o as readonly string[]).join(', ')}`).join('; ')})`;
      }
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
 * Every message names the parameter and its valid range (for `init`: the options of the model).
 * Conditions that are allowed but outside the theory are warnings (paramWarnings), not errors.
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
  const inits = INIT_OPTIONS[p.model];
  const initValid = inits.includes(p.init);
  if (!initValid) {
    errors.push({ key: 'init', message: `init: got "${p.init}", expected one of ${inits.join(', ')} for model=${p.model}` });
  }
  if (p.model === 'landau') {
    if (p.gamma < 0 && !(p.eps > 0)) {
      errors.push({ key: 'eps', message: `eps: must be in (0, 10] when gamma < 0 (got ${p.eps}); the particle system is singular at z = 0 without it` });
    }
    if (initValid && p.init === 'aniso' && p.temp.length !== p.d) {
      errors.push({ key: 'temp', message: `temp: init=aniso needs ${p.d} comma-separated temperatures in (0, 100], one per axis (got ${p.temp.length})` });
    }
    if (initValid && p.init !== 'aniso' && p.temp.length !== 1) {
      errors.push({ key: 'temp', message: `temp: init=${p.init} takes one temperature in (0, 100] (got ${p.temp.length}); per-axis temperatures are for init=aniso` });
    }
  }
  if (p.model === 'first-order' && p.kernel === 'biot-savart' && p.d !== 2) {
    errors.push({ key: 'kernel', message: `kernel: biot-savart is two-dimensional (needs d = 2, got d = ${p.d}); with d = 3 use one of coulomb, riesz, regular` });
  }
  errors.push(...interactionErrors(p));
  return errors;
}

/**
 * The size rules of models.md §1.5 (interactions): all pairs keep N ≤ MAX_N and N·R ≤ MAX_TOTAL;
 * random batches allow N·R ≤ MAX_BATCH_TOTAL, for every Landau noise system (Gaussian increments).
 */
function interactionErrors(p: Params): ParamError[] {
  const errors: ParamError[] = [];
  if (p.interactions === 'batch') {
    if (p.model !== 'landau') {
      errors.push({ key: 'interactions', message: `interactions: batch is implemented for model=landau (models.md §1.5); model=${p.model} runs all pairs (interactions=all)` });
    } else if (p.noise !== 'nanbu' && p.increments === 'two-point') {
      // nanbu has no pair-noise increments (the field is hidden and left out of its links).
      errors.push({ key: 'interactions', message: `interactions: batch draws Gaussian increments; use increments=gaussian with noise=${p.noise}` });
    }
    if (p.batch > p.n) errors.push({ key: 'batch', message: `batch: must be ≤ n (got batch=${p.batch}, n=${p.n})` });
    if (p.n * p.replicas > MAX_BATCH_TOTAL) {
      errors.push({ key: 'replicas', message: `replicas: n · replicas must be ≤ ${MAX_BATCH_TOTAL} with interactions=batch (got ${p.n} · ${p.replicas})` });
    }
    return errors;
  }
  if (p.n > MAX_N) {
    errors.push({ key: 'n', message: `n: must be ≤ ${MAX_N} with interactions=all (got ${p.n}); interactions=batch allows n · replicas ≤ ${MAX_BATCH_TOTAL}` });
  } else if (p.n * p.replicas > MAX_TOTAL) {
    errors.push({ key: 'replicas', message: `replicas: n · replicas must be ≤ ${MAX_TOTAL} (got ${p.n} · ${p.replicas}); interactions=batch allows ${MAX_BATCH_TOTAL}` });
  }
  return errors;
}

/** Largest n · replicas for this parameter set (MAX_TOTAL, or MAX_BATCH_TOTAL with interactions=batch). */
export function maxTotal(p: Pick<Params, 'interactions'>): number {
  return p.interactions === 'batch' ? MAX_BATCH_TOTAL : MAX_TOTAL;
}

/**
 * Adapter limits a run must fit (GPUSupportedLimits fields), checked before any buffer is made:
 * a link over them is refused with a message naming the limit, never a validation error.
 * `particleBufferBytes` = 16 · N · R (two such buffers, vec4f); `dispatchColumns` = workgroups
 * along x of one step.
 */
export interface AdapterLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupsPerDimension: number;
}

/** Errors (key 'n') for a run whose particle buffers or step grid exceed the adapter's limits. */
export function adapterLimitErrors(p: Params, limits: AdapterLimits, dispatchColumns?: number): ParamError[] {
  const errors: ParamError[] = [];
  const bytes = 16 * p.n * p.replicas;
  const at = `N · R = ${p.n} · ${p.replicas} needs ${bytes} bytes per particle buffer`;
  if (bytes > limits.maxStorageBufferBindingSize) {
    errors.push({ key: 'n', message: `n: ${at}, over this adapter's maxStorageBufferBindingSize = ${limits.maxStorageBufferBindingSize}; use at most ${Math.floor(limits.maxStorageBufferBindingSize / 16)} particles in all` });
  } else if (bytes > limits.maxBufferSize) {
    errors.push({ key: 'n', message: `n: ${at}, over this adapter's maxBufferSize = ${limits.maxBufferSize}` });
  }
  if (p.replicas > limits.maxComputeWorkgroupsPerDimension) {
    errors.push({ key: 'replicas', message: `replicas: ${p.replicas} is over this adapter's maxComputeWorkgroupsPerDimension = ${limits.maxComputeWorkgroupsPerDimension}` });
  }
  if (dispatchColumns !== undefined && dispatchColumns > limits.maxComputeWorkgroupsPerDimension) {
    errors.push({ key: 'n', message: `n: a step needs ${dispatchColumns} workgroups per replica, over this adapter's maxComputeWorkgroupsPerDimension = ${limits.maxComputeWorkgroupsPerDimension}` });
  }
  return errors;
}

/**
 * Keller–Segel critical values of χ/σ (models.md §3, 2D attractive Coulomb): the limit blows up
 * iff χ/σ > 8π; the N-particle system has global solutions iff χ/σ ≤ 8π(N−2)/(N−1)
 * (Fournier–Jourdain).
 */
export function kellerSegelCritical(n: number): { limit: number; finiteN: number } {
  return { limit: 8 * Math.PI, finiteN: (8 * Math.PI * (n - 2)) / (n - 1) };
}

/** Whether a parameter set is the 2D Keller–Segel system (attractive Coulomb, d = 2). */
export function isKellerSegel(p: Params): boolean {
  return p.model === 'first-order' && p.kernel === 'coulomb' && p.d === 2 && p.sign === 'attractive';
}

/**
 * Valid but outside the theory of models.md §3, or singular: runs, with a message naming the
 * parameter. (ε = 0 with a singular kernel; Riesz s outside [0, d − 2); Keller–Segel above the
 * finite-N critical value.)
 */
export function paramWarnings(p: Params): ParamError[] {
  const warnings: ParamError[] = [];
  if (p.model !== 'first-order') return warnings;
  if (isSingularKernel(p.kernel) && p.eps === 0) {
    warnings.push({ key: 'eps', message: `eps: 0 leaves the ${p.kernel} kernel singular: pair forces are unbounded at close range and an Euler–Maruyama step can throw close particles far apart (coincident points contribute 0); eps > 0 regularises |x|² → |x|² + ε²` });
  }
  if (p.kernel === 'riesz' && !(p.s >= 0 && p.s < p.d - 2)) {
    const range = p.d === 2 ? 'empty in d = 2 (0 ≤ s < 0)' : `0 ≤ s < ${p.d - 2} in d = ${p.d}`;
    warnings.push({ key: 's', message: `s: ${p.s} is outside the sub-Coulomb range of models.md §3, which is ${range}; the run is outside the theory` });
  }
  if (isKellerSegel(p)) {
    const { limit, finiteN } = kellerSegelCritical(p.n);
    const ratio = p.sigma > 0 ? p.chi / p.sigma : Infinity;
    if (ratio > finiteN) {
      const limitNote = ratio > limit
        ? `and the limit's 8π ≈ ${limit.toFixed(3)}, so the limit blows up too`
        : `although not the limit's 8π ≈ ${limit.toFixed(3)}`;
      warnings.push({ key: 'chi', message: `chi: χ/σ = ${ratio.toFixed(3)} exceeds the N-particle critical value 8π(N−2)/(N−1) ≈ ${finiteN.toFixed(3)} (${limitNote}): the particle system collapses (Keller–Segel, Fournier–Jourdain)` });
    }
  }
  return warnings;
}

/** Parameters relevant to a parameter set (the others are left out of links and the UI). */
export function relevantKeys(p: Params): (keyof Params)[] {
  const keys: (keyof Params)[] = ['model', 'd', 'n', 'replicas', 'dt', 'seed'];
  switch (p.model) {
    case 'landau':
      keys.push('gamma', 'eps', 'noise');
      if (p.noise !== 'nanbu') keys.push('increments');
      keys.push('init');
      if (p.init !== 'bkw') keys.push('temp');
      if (p.init === 'bimaxwellian') keys.push('shift');
      keys.push('normalize');
      keys.push('interactions');
      if (p.interactions === 'batch') keys.push('batch');
      break;
    case 'first-order':
      keys.push('kernel', p.kernel === 'biot-savart' ? 'circ' : 'sign', 'chi');
      if (p.kernel === 'riesz') keys.push('s');
      if (isSingularKernel(p.kernel)) keys.push('eps');
      keys.push('sigma', 'init', 'width');
      if (p.init === 'two-blobs') keys.push('shift');
      keys.push('normalize');
      break;
    case 'torus':
      keys.push('lambda', 'kappa', 'init');
      if (p.init === 'cosine') keys.push('amp');
      if (p.init === 'wrapped-gaussian') keys.push('width');
      break;
  }
  keys.push('rng');
  return keys;
}

/** The options of an enum that are valid for this parameter set (`init` depends on the model). */
export function enumOptions<K extends keyof Params>(def: EnumDef<K>, p: Params): readonly Params[K][] {
  return def.optionsByModel ? def.optionsByModel[p.model] : def.options;
}

/**
 * The parameter set with another model, made valid for it: an `init` the model lacks becomes the
 * model's first option, and Biot–Savart (2D only) moves to d = 2. Other fields are kept.
 */
export function withModel(p: Params, model: Model): Params {
  const next: Params = { ...p, temp: [...p.temp], model };
  if (!INIT_OPTIONS[model].includes(next.init)) next.init = INIT_OPTIONS[model][0];
  if (model === 'first-order' && next.kernel === 'biot-savart') next.d = 2;
  if (model === 'landau') next.temp = next.init === 'aniso' ? Array(next.d).fill(next.temp[0] ?? 1) : [next.temp[0] ?? 1];
  return next;
}

export interface ParseResult {
  params: Params;
  /** Invalid values: the default was kept for them. */
  errors: ParamError[];
  /** Valid but singular or outside the theory (paramWarnings of the kept parameters). */
  warnings: ParamError[];
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
  const repeated = new Set<string>();
  for (const [key, raw] of sp) {
    if (key === 'v') {
      if (raw !== String(LINK_VERSION)) errors.push({ key: 'v', message: `v: link version ${raw} is not known; this app reads version ${LINK_VERSION}` });
      continue;
    }
    if (!known.has(key)) {
      if (!unknown.includes(key)) unknown.push(key);
      continue;
    }
    const def = PARAM_DEFS.find((d) => d.key === key)!;
    if (sp.getAll(key).length > 1) repeated.add(key);
    const { value, error } = parseValue(def, raw);
    if (error) errors.push({ key, message: error });
    else (params as unknown as Record<string, unknown>)[key] = value;
  }
  // A key given twice: its values are read in order (an invalid one keeps the value before it),
  // and the link says which value that left, not silently.
  for (const key of repeated) {
    const used = (params as unknown as Record<string, unknown>)[key];
    errors.unshift({
      key,
      message: `${key}: given ${sp.getAll(key).length} times (${sp.getAll(key).map((x) => x || '(empty)').join('; ')})`,
      fixed: `using ${key} = ${Array.isArray(used) ? used.join(',') : String(used)}`,
    });
  }
  // A link that switches the model without naming the model-specific fields gets that model's
  // defaults for them (model=torus alone is a valid link), exactly as the UI's model switch does.
  if (params.model !== base.model) {
    const given = new Set(sp.keys());
    const adjusted = withModel({ ...base, temp: [...base.temp] }, params.model);
    for (const key of ['init', 'd', 'temp'] as const) {
      if (!given.has(key)) (params as unknown as Record<string, unknown>)[key] = adjusted[key];
    }
  }
  // Cross-field rules: on failure, fall back to a valid combination and say so. A fix can expose
  // another rule (a replaced init changes the temp rule), hence the few rounds.
  for (let round = 0; round < 3; round++) {
    const found = validateParams(params);
    if (!found.length) break;
    for (const e of found) {
      if (!errors.some((x) => x.message === e.message)) errors.push(e);
      // Say what was done: "using replicas = 16", not "kept the default" (issue 10).
      const using = (key: keyof Params) => { e.fixed = `using ${key} = ${Array.isArray(params[key]) ? (params[key] as number[]).join(',') : String(params[key])}`; };
      if (e.key === 'init') params.init = INIT_OPTIONS[params.model][0];
      if (e.key === 'eps') params.eps = paramDef('eps').default;
      if (e.key === 'kernel') params.d = 2;
      if (e.key === 'replicas') params.replicas = Math.max(1, Math.floor(maxTotal(params) / params.n));
      if (e.key === 'n') params.n = Math.min(params.n, MAX_N);
      if (e.key === 'interactions') params.interactions = 'all';
      if (e.key === 'batch') params.batch = Math.min(params.batch, params.n);
      if (e.key === 'temp') params.temp = params.init === 'aniso' ? Array(params.d).fill(params.temp[0] ?? 1) : [params.temp[0] ?? 1];
      if (e.key === 'kernel') using('d');
      else if (e.key in params) using(e.key as keyof Params);
    }
  }
  return { params, errors, unknown, warnings: paramWarnings(params) };
}

export const LINK_VERSION = 1;

/** The share-link query for a parameter set: versioned, relevant fields only, fixed order. */
export function toQuery(p: Params): string {
  const sp = new URLSearchParams();
  sp.set('v', String(LINK_VERSION));
  for (const key of relevantKeys(p)) {
    // interactions came after v=1: at its default (all pairs) it is left out, so every existing
    // link stays the same text; the control is still shown (relevantKeys).
    if (key === 'interactions' && p.interactions === 'all') continue;
    sp.set(key, formatValue(paramDef(key), p[key]));
  }
  return sp.toString();
}

/** The README's parameter table, generated from the schema (tests/unit/readme.test.ts keeps them equal). */
export function paramsMarkdownTable(): string {
  // A literal | (|x|², |X|) would end a table cell: escape it.
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = PARAM_DEFS.map((def) => {
    const dflt = formatValue(def, def.default);
    const opts = def.kind === 'enum' && def.optionHelp
      ? ' ' + def.options.map((o) => `\`${String(o)}\`: ${def.optionHelp![String(o)]}`).join('; ') + '.'
      : '';
    return `| \`${def.key}\` | ${cell(describeRange(def))} | \`${dflt}\` | ${cell(def.help + opts)} |`;
  });
  return ['| parameter | valid values | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
