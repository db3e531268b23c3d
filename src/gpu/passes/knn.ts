/**
 * Owns shaders/knn.wgsl: the all-pairs k-nearest-neighbour search within each of R blocks of n
 * particles, for the Kozachenko–Leonenko entropy (models.md §4). Reads a particle buffer (vec4
 * layout) and writes the k smallest distances of every particle, ascending, into `distances`
 * ([block][particle][k], float32, velocity units). O(n² R) pair work, tiled like the step. The
 * entropy diagnostics pass the replicas pooled as one block (n = m·R, R = 1: NeighbourStatistics).
 */
import { MAX_KNN_RANK } from '../../physics/estimators/entropy';
import { NeighbourParamsLayout, packStruct, PARTICLE_BYTES } from '../layout';
import { compileModule, shaderSources } from '../shaderSource';

/** Workgroup size = tile length of the pair sweep (override WG in knn.wgsl and kde_score.wgsl). */
export const KNN_WORKGROUP = 128;
/** Largest neighbour rank k: the register list length KMAX in knn.wgsl. */
export const KNN_MAX_RANK = MAX_KNN_RANK;

/** Particles per block (replica, or the pooled sample) and block count of the buffer a neighbour pass reads. */
export interface NeighbourPassConfig {
  n: number;
  replicas: number;
}

/** A NeighbourParams uniform buffer (layout.ts), written once. */
export function neighbourParamsBuffer(device: GPUDevice, label: string, cfg: NeighbourPassConfig): GPUBuffer {
  const buffer = device.createBuffer({ label, size: NeighbourParamsLayout.size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const data = new ArrayBuffer(NeighbourParamsLayout.size);
  packStruct(NeighbourParamsLayout, { n: cfg.n, replicas: cfg.replicas }, new DataView(data));
  device.queue.writeBuffer(buffer, 0, data);
  return buffer;
}

/** Throws unless the particle buffer can hold n·R vec4 particles and n ≥ 2. */
export function checkNeighbourConfig(caller: string, cfg: NeighbourPassConfig, particles: GPUBuffer): void {
  if (!Number.isInteger(cfg.n) || cfg.n < 2) throw new Error(`${caller}: need N ≥ 2 particles per replica, got ${cfg.n}`);
  if (!Number.isInteger(cfg.replicas) || cfg.replicas < 1) throw new Error(`${caller}: need R ≥ 1 replicas, got ${cfg.replicas}`);
  if (particles.size < cfg.n * cfg.replicas * PARTICLE_BYTES) {
    throw new Error(`${caller}: particle buffer of ${particles.size} bytes is smaller than N·R·${PARTICLE_BYTES}`);
  }
}

/** Encodes one neighbour sweep (knn.wgsl, kde_score.wgsl) as its own compute pass: (ceil(N / WG), R). */
export function encodeNeighbourPass(encoder: GPUCommandEncoder, label: string, pipeline: GPUComputePipeline, bindGroup: GPUBindGroup, cfg: NeighbourPassConfig): void {
  const pass = encoder.beginComputePass({ label });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(Math.ceil(cfg.n / KNN_WORKGROUP), cfg.replicas);
  pass.end();
}

export class KnnPass {
  private constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly params: GPUBuffer,
    /** k nearest distances per particle, ascending: index (r·N + i)·k + m (float32, velocity units). */
    readonly distances: GPUBuffer,
    private readonly cfg: NeighbourPassConfig & { k: number },
  ) {}

  /** The search pipeline for rank k (shareable between passes with the same k). */
  static async pipeline(device: GPUDevice, k: number): Promise<GPUComputePipeline> {
    const module = await compileModule(device, 'KnnPass.module', shaderSources.knn);
    return device.createComputePipelineAsync({
      label: `KnnPass.pipeline(k=${k})`,
      layout: 'auto',
      compute: { module, entryPoint: 'knnDistances', constants: { WG: KNN_WORKGROUP, K: k } },
    });
  }

  /**
   * A pass reading `particles` (not owned) for neighbour rank k ∈ [1, min(KNN_MAX_RANK = 16, n − 1)];
   * `shared`: a pipeline from KnnPass.pipeline(device, k) to reuse instead of compiling one.
   */
  static async create(device: GPUDevice, cfg: NeighbourPassConfig & { k: number }, particles: GPUBuffer, shared?: Promise<GPUComputePipeline>): Promise<KnnPass> {
    checkNeighbourConfig('KnnPass', cfg, particles);
    const { k } = cfg;
    if (!Number.isInteger(k) || k < 1 || k > Math.min(KNN_MAX_RANK, cfg.n - 1)) {
      throw new Error(`KnnPass: need 1 ≤ k ≤ min(${KNN_MAX_RANK}, N − 1), got k = ${k}, N = ${cfg.n}`);
    }
    const pipeline = await (shared ?? KnnPass.pipeline(device, k));
    const params = neighbourParamsBuffer(device, 'KnnPass.params', cfg);
    const distances = device.createBuffer({
      label: 'KnnPass.distances',
      size: cfg.n * cfg.replicas * k * 4,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
    });
    const bindGroup = device.createBindGroup({
      label: 'KnnPass.bindGroup',
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: params } },
        { binding: 1, resource: { buffer: particles, size: cfg.n * cfg.replicas * PARTICLE_BYTES } },
        { binding: 2, resource: { buffer: distances } },
      ],
    });
    return new KnnPass(pipeline, bindGroup, params, distances, { ...cfg });
  }

  get k(): number {
    return this.cfg.k;
  }

  /** Size in bytes of `distances`. */
  get distanceBytes(): number {
    return this.distances.size;
  }

  /** Encodes the search as its own compute pass. */
  encode(encoder: GPUCommandEncoder): void {
    encodeNeighbourPass(encoder, 'KnnPass.pass', this.pipeline, this.bindGroup, this.cfg);
  }

  destroy(): void {
    this.params.destroy();
    this.distances.destroy();
  }
}
