/**
 * Buffer layouts: one TypeScript schema per struct generates both the WGSL declaration and the
 * packing code, so the two cannot drift apart (tests/unit/layout.test.ts checks sizes/offsets).
 * All fields are 4-byte scalars (u32/f32), so the WGSL offsets are 4·index and the struct size
 * rounds up to 16 bytes.
 */

export type ScalarType = 'u32' | 'f32';
export interface FieldDef { name: string; type: ScalarType; doc: string }
export interface StructLayout<N extends string> {
  name: string;
  fields: readonly (FieldDef & { name: N })[];
  /** Byte size as WGSL computes it (multiple of the 4-byte alignment; we pad to 16 for uniforms). */
  size: number;
  offsets: Record<N, number>;
}

export function defineStruct<N extends string>(name: string, fields: readonly (FieldDef & { name: N })[]): StructLayout<N> {
  const offsets = {} as Record<N, number>;
  fields.forEach((f, i) => (offsets[f.name] = 4 * i));
  const size = Math.ceil((4 * fields.length) / 16) * 16;
  return { name, fields, size, offsets };
}

/** WGSL struct declaration with one comment per field (what it holds, units). */
export function wgslStruct(layout: StructLayout<string>): string {
  const lines = layout.fields.map((f) => `  ${f.name}: ${f.type}, // ${f.doc}`);
  const pad = (layout.size - 4 * layout.fields.length) / 4;
  for (let k = 0; k < pad; k++) lines.push(`  _pad${k}: u32,`);
  return `struct ${layout.name} {\n${lines.join('\n')}\n}\n`;
}

/** Packs values into `view` at byte offset `base` following the layout. */
export function packStruct<N extends string>(layout: StructLayout<N>, values: Record<N, number>, view: DataView, base = 0): void {
  for (const f of layout.fields) {
    const v = values[f.name];
    if (f.type === 'u32') view.setUint32(base + layout.offsets[f.name], v >>> 0, true);
    else view.setFloat32(base + layout.offsets[f.name], v, true);
  }
}

/** Per-step uniforms of the Landau step (one slot per step in a dynamic-offset ring). */
export const StepParamsLayout = defineStruct('StepParams', [
  { name: 'n', type: 'u32', doc: 'particles per replica N' },
  { name: 'replicas', type: 'u32', doc: 'independent systems R' },
  { name: 'step', type: 'u32', doc: 'index of the step being taken; keys the noise (rng.wgsl)' },
  { name: 'seed', type: 'u32', doc: 'run seed; keys the noise' },
  { name: 'dt', type: 'f32', doc: 'Euler-Maruyama time step (our time, C = 1)' },
  { name: 'gamma', type: 'f32', doc: 'power-law exponent gamma of alpha(r) = r^gamma' },
  { name: 'eps2', type: 'f32', doc: 'regularisation eps^2 of alpha_eps (velocity units squared)' },
  { name: 'invN', type: 'f32', doc: '1/N, the mean-field normalisation' },
  { name: 'groupBase', type: 'u32', doc: 'workgroup x index of this dispatch\'s first column (step slices; 0 for a whole step)' },
  { name: 'replicaBase', type: 'u32', doc: 'replica of this dispatch\'s first row (step slices; 0 for a whole step)' },
] as const);

export type StepParamsValues = Record<(typeof StepParamsLayout.fields)[number]['name'], number>;

/**
 * Particle buffers: array<vec4f>, particle (r, i) at index r·N + i. Landau: (v_x, v_y, v_z | 0, 0);
 * torus: positions in [0,1)^d, (x₁, x₂, x₃ | 0, 0); first-order: (x₁, x₂, x₃ | 0, m) with the
 * circulation m in w (1 for every kernel but Biot–Savart). For d = 2 the third component is 0.
 */
export const PARTICLE_BYTES = 16;

/** Output of the `pairTerms` entry (tests, pair-pass benchmark): 4 vec4f per particle. */
export const PAIR_TERMS_VEC4 = 4; // drift, Ā diag (xx,yy,zz), Ā off-diagonal (xy,yz,zx), noise sum

/** Per-replica moment sums written by shaders/moments.wgsl (slots as in physics/moments.ts). */
export const MOMENT_SLOTS = 12;

/**
 * Uniforms of the neighbour passes of the entropy diagnostics (models.md §4): shaders/knn.wgsl
 * (k-NN distances) and shaders/kde_score.wgsl (KDE score sums). Both sweep all pairs of each
 * replica of the vec4 particle layout above.
 */
export const NeighbourParamsLayout = defineStruct('NeighbourParams', [
  { name: 'n', type: 'u32', doc: 'particles per replica N' },
  { name: 'replicas', type: 'u32', doc: 'independent systems R (dispatch y)' },
] as const);

export type NeighbourParamsValues = Record<(typeof NeighbourParamsLayout.fields)[number]['name'], number>;

/** Output of shaders/kde_score.wgsl: 2 vec4f per particle, (S1.xyz, S0), (S2, emin, 0, 0). */
export const KDE_SCORE_VEC4 = 2;

/**
 * Rows of kde_score.wgsl's output for `n` particles starting at particle `first`, in the
 * float64 layout of kdeScoreSums (physics/estimators/fisher.ts): stride d + 2,
 * [S0, S2, S1_x … S1_d]. The GPU rows carry the factor e^(emin) (weights relative to the nearest
 * partner); only ratios are used downstream, so it is left in.
 */
export function unpackScoreSums(raw: ArrayLike<number>, first: number, n: number, d: number): Float64Array {
  const stride = d + 2;
  const rows = new Float64Array(n * stride);
  for (let i = 0; i < n; i++) {
    const o = (first + i) * KDE_SCORE_VEC4 * 4;
    rows[i * stride] = raw[o + 3];
    rows[i * stride + 1] = raw[o + 4];
    for (let c = 0; c < d; c++) rows[i * stride + 2 + c] = raw[o + c];
  }
  return rows;
}
