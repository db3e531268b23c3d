/**
 * Owns shaders/kde_score.wgsl: per-particle leave-one-out Gaussian-kernel sums (S0, S1, S2) for
 * the score-matching and plug-in Fisher information estimates (models.md §4; formulas in
 * physics/estimators/fisher.ts, which finishes the estimate in float64 from these rows).
 * Bandwidth h_r per replica, set with `setBandwidths` before encoding.
 */
import { KDE_SCORE_VEC4, PARTICLE_BYTES } from '../layout';
import { compileModule, shaderSources } from '../shaderSource';
import { checkNeighbourConfig, encodeNeighbourPass, KNN_WORKGROUP, neighbourParamsBuffer, type NeighbourPassConfig } from './knn';

/** Workgroup size = tile length (override WG in kde_score.wgsl). */
export const KDE_WORKGROUP = KNN_WORKGROUP;

export class KdeScorePass {
  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly params: GPUBuffer,
    /** 1/(2h_r²) per replica (1/velocity²). */
    private readonly inverseTwoBandwidth2: GPUBuffer,
    /** KDE_SCORE_VEC4 vec4f per particle (layout.ts `unpackScoreSums`). */
    readonly scoreSums: GPUBuffer,
    private readonly cfg: NeighbourPassConfig,
  ) {}

  static async create(device: GPUDevice, cfg: NeighbourPassConfig, particles: GPUBuffer): Promise<KdeScorePass> {
    checkNeighbourConfig('KdeScorePass', cfg, particles);
    const module = await compileModule(device, 'KdeScorePass.module', shaderSources.kdeScore);
    const pipeline = await device.createComputePipelineAsync({
      label: 'KdeScorePass.pipeline',
      layout: 'auto',
      compute: { module, entryPoint: 'kdeScoreSums', constants: { WG: KDE_WORKGROUP } },
    });
    const params = neighbourParamsBuffer(device, 'KdeScorePass.params', cfg);
    const inverseTwoBandwidth2 = device.createBuffer({
      label: 'KdeScorePass.inverseTwoBandwidth2',
      size: Math.max(16, cfg.replicas * 4),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    const scoreSums = device.createBuffer({
      label: 'KdeScorePass.scoreSums',
      size: cfg.n * cfg.replicas * KDE_SCORE_VEC4 * 16,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
    });
    const bindGroup = device.createBindGroup({
      label: 'KdeScorePass.bindGroup',
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: params } },
        { binding: 1, resource: { buffer: particles, size: cfg.n * cfg.replicas * PARTICLE_BYTES } },
        { binding: 2, resource: { buffer: inverseTwoBandwidth2 } },
        { binding: 3, resource: { buffer: scoreSums } },
      ],
    });
    return new KdeScorePass(device, pipeline, bindGroup, params, inverseTwoBandwidth2, scoreSums, { ...cfg });
  }

  /** Kernel bandwidth h_r (velocity units, finite, > 0) of each replica, for the next `encode`. */
  setBandwidths(bandwidths: readonly number[]): void {
    if (bandwidths.length !== this.cfg.replicas) {
      throw new Error(`KdeScorePass: ${bandwidths.length} bandwidths for ${this.cfg.replicas} replicas`);
    }
    const values = new Float32Array(this.inverseTwoBandwidth2.size / 4);
    bandwidths.forEach((h, r) => {
      if (!(h > 0) || !Number.isFinite(h)) throw new Error(`KdeScorePass: bandwidth of replica ${r} must be finite and > 0, got ${h}`);
      values[r] = 1 / (2 * h * h);
    });
    this.device.queue.writeBuffer(this.inverseTwoBandwidth2, 0, values);
  }

  get scoreSumsBytes(): number {
    return this.scoreSums.size;
  }

  encode(encoder: GPUCommandEncoder): void {
    encodeNeighbourPass(encoder, 'KdeScorePass.pass', this.pipeline, this.bindGroup, this.cfg);
  }

  destroy(): void {
    this.params.destroy();
    this.inverseTwoBandwidth2.destroy();
    this.scoreSums.destroy();
  }
}
