/**
 * Classroom presets (issue 3): one click each, and each also a link. The definitions live here
 * only; the UI, the README list and the e2e tests read them from this module.
 *
 * Each preset is a parameter override on top of the schema defaults; its query string is built
 * by the share-link codec, so a preset is exactly the link it advertises.
 */
import { defaultParams, type Noise, type Params } from '../physics/params';
import { encodeLink, type CompareMode } from './urlCodec';

export interface ClassroomPreset {
  id: string;
  /** The header groups presets by model. */
  group: 'Landau' | 'First-order' | 'Torus';
  name: string;
  /** One or two sentences: what to look at. */
  description: string;
  /** The share-link query (without "?"). */
  query: string;
}

function preset(id: string, name: string, description: string, overrides: Partial<Params>, compare: CompareMode | null = null): ClassroomPreset {
  const params: Params = { ...defaultParams(), ...overrides };
  const group = params.model === 'landau' ? 'Landau' : params.model === 'first-order' ? 'First-order' : 'Torus';
  return { id, group, name, description, query: encodeLink({ params, compare }) };
}

export const CLASSROOM_PRESETS: readonly ClassroomPreset[] = [
  preset('maxwellian-relaxation', 'Maxwellian relaxation to equilibrium',
    'Velocities start uniform on a sphere |v| = √3 and relax to the Maxwellian with the same energy: watch the speed histogram reach the Maxwellian overlay (γ = 0: an exact Ornstein–Uhlenbeck flow, rate 2(d−1)).',
    { d: 3, n: 1024, gamma: 0, noise: 'nanbu', init: 'shell', temp: [1], dt: 0.002 }),
  preset('anisotropic-temperature', 'Anisotropic temperature relaxation',
    'Per-axis temperatures 2, 0.5, 0.5 equalise: the temperature curves follow the exact law M(t) − (E/d)I = (M₀ − (E/d)I)e^(−4dt) for Maxwellian molecules (rate 12 in 3D).',
    { d: 3, n: 1024, gamma: 0, noise: 'nanbu', init: 'aniso', temp: [2, 0.5, 0.5], dt: 0.001 }),
  preset('bkw', 'BKW exact solution',
    'The Bobylev–Krook–Wu solution, started at its first valid time t₀ = ¼ ln(5/2): histograms against the exact marginals, and m₄ against the exact m₄(t).',
    { d: 3, n: 1024, gamma: 0, noise: 'nanbu', init: 'bkw', dt: 0.001 }),
  preset('coulomb', 'Coulomb collisions',
    'γ = −3 (regularised with ε = 0.05): a bi-Maxwellian with θ∥ = 0.5, θ⊥ = 0.2 isotropises; the dashed curves are the Trubnikov/NRL rate (an approximate reference, models.md §1.3).',
    { d: 3, n: 1024, gamma: -3, eps: 0.05, noise: 'nanbu', init: 'aniso', temp: [0.5, 0.2, 0.2], dt: 0.0005 }),
  preset('conservative-noise', 'Conservative vs non-conservative noise',
    'Two runs from the same particles: kac (antisymmetric pair noise: Σv exactly conserved; energy conserved in continuous time, but each Euler–Maruyama step adds 4(d−1)²E·dt² on average at γ = 0, so E climbs along the dotted prediction E₀e^(4(d−1)²dt·t), about 1% per unit time at this dt) and nanbu (Σv and E conserved only on average: the mean velocity wanders like a martingale, spread E(1 − e^(−4(d−1)t/N)), and E inside its ±1σ band). Compare the momentum and energy curves.',
    { d: 3, n: 512, gamma: 0, noise: 'kac', init: 'gaussian', temp: [1], dt: 0.002 }, 'nanbu'),
  preset('shared-noise', 'Shared noise breaks chaos',
    'The counter-example of models.md §1.4: formula (1.8) as printed, where particle j’s Brownian motions drive every particle (rotation-shared: common noise, not a mean-field system), against nanbu from the same particles (dashed), γ = 0. Both give each particle the same quadratic variation, but the shared noise moves all particles together: the mean velocity spreads like E(1 − e^(−2(d−1)t)) whatever N (the meter shows this exact law; nanbu: E(1 − e^(−4(d−1)t/N))), and the pair-covariance and pair-entropy meters stay O(1) instead of vanishing like 1/N, 1/N². An N-sweep of mean-velocity-spread gives slope 0 for it and −1 for nanbu.',
    { d: 3, n: 512, replicas: 8, gamma: 0, noise: 'rotation-shared', init: 'gaussian', temp: [1], dt: 0.002 }, 'nanbu'),
  preset('bkw-entropy-chaos', 'Entropy & chaos: BKW, 8 replicas',
    'Eight independent BKW runs: the entropy panel shows H(f|M) decreasing to 0 along the exact BKW H(f|M)(t) and the Fisher information decaying along I(t) (dotted: what the KDE estimate should read), bands across replicas. nanbu conserves the energy only on average: H(M) follows the replica-mean energy, the exact BKW curves are at the initial energy, and the k-NN estimates are corrected for their known bias at the Maxwellian (what remains at N = 512 is noted on the chart). The chaos panel shows the live two-particle covariances and the marginal L1 to the exact BKW marginal.',
    { d: 3, n: 512, replicas: 8, gamma: 0, noise: 'nanbu', init: 'bkw', dt: 0.001 }),
  preset('million-random-pairs', 'A million particles: random pairs',
    'N = 2²⁰ BKW particles with exact random pairs (models.md §1.5): each step pairs every particle with one random partner; the pair keeps its mean and |z| and its direction z/|z| makes an exact spherical Brownian move, so momentum and energy stay exact (watch the conservation meters) at O(N) work per step. The histograms (every particle) follow the exact BKW marginals and m₄ the exact m₄(t) up to the method’s O(dt) bias; the cloud draws up to 2²⁰ points (2¹⁶ on a CPU fallback adapter; its legend says how many).',
    { d: 3, n: 1 << 20, replicas: 1, gamma: 0, noise: 'kac', init: 'bkw', dt: 0.002, interactions: 'batch', batch: 2 }),
  preset('random-vs-all-pairs', 'Random pairs vs all pairs',
    'The same kac system from the same particles twice: random pairs (interactions=batch, p = 2: each step every particle collides with one random partner, O(N), the pair moves exactly on its sphere so energy and momentum are conserved exactly) against all pairs (dashed, O(N²)). BKW data at γ = 0: both follow the exact m₄(t) and the anisotropy e^(−4dt); random pairs relax at the per-step law of models.md §1.5, which tends to the continuous one as dt → 0. The gap is the O(dt) error of the random-pair method, uniform in N.',
    { d: 3, n: 4096, gamma: 0, noise: 'kac', init: 'bkw', dt: 0.002, interactions: 'batch', batch: 2 }, 'all-pairs'),
  preset('lamb-oseen', 'Lamb–Oseen vortex',
    'Viscous point vortices (Biot–Savart, all m = +1) from a Gaussian blob: the blob spreads (it also turns, faster at its centre, but vortices of one circulation share one colour, so the turning is hard to see); the radial density follows the exact heat-kernel law N(0, (s₀² + 2σt)I) and the second moment the exact line m₀ + 4σt (models.md §3).',
    { model: 'first-order', d: 2, n: 1024, kernel: 'biot-savart', circ: 'plus', chi: 5, sigma: 0.25, eps: 0.02, init: 'gaussian', width: 1, dt: 0.01 }),
  preset('vortices-pm', 'Vortices of both signs',
    'Circulations ±1 at random (coloured by circulation: red +1, blue −1), nearly inviscid (σ = 0.01): with no net circulation the blob does not turn as a whole, unlike the Lamb–Oseen vortex; it mixes and slowly spreads as neighbours of opposite sign push each other along. The second moment has no exact line here (mixed circulations).',
    { model: 'first-order', d: 2, n: 1024, kernel: 'biot-savart', circ: 'pm', chi: 5, sigma: 0.01, eps: 0.05, init: 'gaussian', width: 1, dt: 0.005 }),
  preset('keller-segel-sub', 'Keller–Segel, subcritical',
    'Chemotactic attraction with χ/σ = 12 < 8π: diffusion wins and the cloud spreads; the second moment follows the exact virial line m₀ + (4σ − χ(N−1)/(2πN))t with a positive slope (ε = 0, models.md §3). The χ control marks the critical value 8πσ.',
    { model: 'first-order', d: 2, n: 1024, kernel: 'coulomb', sign: 'attractive', chi: 12, sigma: 1, eps: 0, init: 'gaussian', width: 1, dt: 0.002 }),
  preset('keller-segel-super', 'Keller–Segel, supercritical',
    'χ/σ = 50 > 8π: attraction wins, the particles collapse to a point; the exact virial line has a negative slope and reaches 0 at t* = m₀/(χ(N−1)/(2πN) − 4σ) ≈ 0.5, by which time the limit has blown up (ε = 0). Near t* the second moment leaves the line: close pairs need steps much smaller than dt (time-step error, said on the chart).',
    { model: 'first-order', d: 2, n: 1024, kernel: 'coulomb', sign: 'attractive', chi: 50, sigma: 1, eps: 0, init: 'gaussian', width: 1, dt: 0.001 }),
  preset('torus-relaxation', 'Torus: relaxation to uniform',
    'The Landau-like nanbu system on the periodic cell, a(z) = λI + κ w wᵀ: a cosine perturbation of the density decays; the x₁ histogram follows the exact mode 1 + A e^(−4π²(λ+κ/2d)t) cos 2πx₁ and H(f|1) decreases to 0 (models.md §2).',
    { model: 'torus', d: 2, n: 1024, lambda: 0.05, kappa: 1, init: 'cosine', amp: 0.8, dt: 0.002 }),
];

/**
 * The run a page opened without parameters starts on (issue 14): one that visibly moves when
 * played (a shell of speeds relaxing to the Maxwellian), with a one-line hint to the others.
 */
export const FIRST_OPEN_PRESET = 'maxwellian-relaxation';

export function presetById(id: string): ClassroomPreset | undefined {
  return CLASSROOM_PRESETS.find((p) => p.id === id);
}

/** The README's preset list (tests/unit/readme.test.ts keeps it equal to this module). */
export function presetsMarkdownList(): string {
  return CLASSROOM_PRESETS.map((p) => `- **${p.name}**: ${p.description} \`?${p.query}\``).join('\n');
}
