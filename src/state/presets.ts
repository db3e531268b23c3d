/**
 * Classroom presets (issue 3): one click each, and each also a link. The definitions live here
 * only; the UI, the README list and the e2e tests read them from this module.
 *
 * Each preset is a parameter override on top of the schema defaults; its query string is built
 * by the share-link codec, so a preset is exactly the link it advertises.
 */
import { defaultParams, type Noise, type Params } from '../physics/params';
import { encodeLink } from './urlCodec';

export interface ClassroomPreset {
  id: string;
  name: string;
  /** One or two sentences: what to look at. */
  description: string;
  /** The share-link query (without "?"). */
  query: string;
}

function preset(id: string, name: string, description: string, overrides: Partial<Params>, compare: Noise | null = null): ClassroomPreset {
  const params: Params = { ...defaultParams(), ...overrides };
  return { id, name, description, query: encodeLink({ params, compare }) };
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
    'Two runs from the same particles: kac (antisymmetric pair noise: Σv exactly conserved, energy up to O(dt)) and nanbu (conserved only on average: the mean velocity wanders like a martingale, spread E(1 − e^(−4(d−1)t/N))). Compare the momentum and energy curves.',
    { d: 3, n: 512, gamma: 0, noise: 'kac', init: 'gaussian', temp: [1], dt: 0.002 }, 'nanbu'),
];

export function presetById(id: string): ClassroomPreset | undefined {
  return CLASSROOM_PRESETS.find((p) => p.id === id);
}

/** The README's preset list (tests/unit/readme.test.ts keeps it equal to this module). */
export function presetsMarkdownList(): string {
  return CLASSROOM_PRESETS.map((p) => `- **${p.name}**: ${p.description} \`?${p.query}\``).join('\n');
}
