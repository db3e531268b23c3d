/**
 * The GPU side of the entropy diagnostics (models.md §4; engine/diagnostics.ts reduces the
 * results in float64): snapshots a particle buffer, runs the k-NN search (KnnPass) on the first m
 * particles of every replica pooled into one sample of m·R (issue 12) and on the same m within
 * each replica alone, and the KDE score sums (KdeScorePass) within each replica, and reads
 * everything back through staging buffers.
 *
 * Never stalls the step loop: `measure` copies the particles into a capture buffer in queue order
 * at call time and returns at once; steps submitted afterwards do not change what is measured.
 * The two passes share one input buffer, so measurements run one after another (each copies its
 * capture into the input when its turn comes). The KDE bandwidths depend on the snapshot's
 * moments, so a measurement is two submissions: (copy, k-NN, readback of particles and
 * distances), then (KDE with the bandwidths the caller computed from those particles, readback).
 */
import { PARTICLE_BYTES } from './layout';
import { KdeScorePass } from './passes/kdeScore';
import { KnnPass, type NeighbourPassConfig } from './passes/knn';

export interface NeighbourMeasurement {
  /** The measured velocities (vec4 layout, float32), as they were when `measure` was called. */
  particles: Float32Array;
  /** Neighbour rank k. */
  k: number;
  /**
   * k nearest distances in the pooled sample, ascending: entry (r·m + i)·k + j is particle i < m of
   * replica r's distance to its (j+1)-th nearest among all m·R pooled particles (velocity units).
   */
  distances: Float32Array;
  /**
   * The same m particles of each replica searched within their replica alone: entry
   * (r·m + i)·k + j (velocity units); null when k > m − 1 (too few particles per replica) and for
   * one replica (then `distances` are its own).
   */
  replicaDistances: Float32Array | null;
  /** m: particles of each replica in the pooled k-NN sample (the first m of its snapshot). */
  pooledPerReplica: number;
  /** kde_score.wgsl output, 2 vec4 per particle (layout.ts `unpackScoreSums`). */
  scoreSums: Float32Array;
  /** Kernel bandwidth used for each replica (velocity units). */
  bandwidths: number[];
}

/** Chooses the KDE bandwidth of each replica from the snapshot's velocities. */
export type BandwidthRule = (particles: Float32Array) => number[];

async function mapCopy(staging: GPUBuffer): Promise<ArrayBuffer> {
  try {
    await staging.mapAsync(GPUMapMode.READ);
    return staging.getMappedRange().slice(0);
  } finally {
    staging.destroy();
  }
}

export class NeighbourStatistics {
  /** The snapshot both passes read. */
  private readonly input: GPUBuffer;
  /** The pooled k-NN sample: `input` itself when m = n, else the first m of every replica. */
  private readonly pooled: GPUBuffer;
  private readonly knnPasses = new Map<string, Promise<KnnPass>>();
  /** One compiled search pipeline per k, shared by the pooled and the per-replica pass. */
  private readonly knnPipelines = new Map<number, Promise<GPUComputePipeline>>();
  private kdePass: Promise<KdeScorePass> | null = null;
  /** Settles when the last queued measurement has finished with `input`. */
  private tail: Promise<unknown> = Promise.resolve();
  private destroyed = false;

  /**
   * `sourceStride`: particles per replica in the measured buffer (default cfg.n). When larger,
   * each replica's first cfg.n particles are measured: a subsample (issue 11, NEIGHBOUR_SAMPLE_MAX
   * in engine/diagnostics.ts), copied into a compact snapshot.
   * `pooledPerReplica`: m ∈ [1, cfg.n], the particles of each replica in the pooled k-NN sample
   * (default cfg.n; engine/diagnostics.ts pooledPerReplica caps m·R).
   */
  constructor(
    private readonly device: GPUDevice,
    private readonly cfg: NeighbourPassConfig,
    private readonly sourceStride: number = cfg.n,
    private readonly pooledPerReplica: number = cfg.n,
  ) {
    if (!Number.isInteger(pooledPerReplica) || pooledPerReplica < 1 || pooledPerReplica > cfg.n) {
      throw new Error(`NeighbourStatistics: pooled particles per replica must be an integer in [1, ${cfg.n}], got ${pooledPerReplica}`);
    }
    this.input = device.createBuffer({
      label: 'NeighbourStatistics.input',
      size: this.particleBytes,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
    });
    this.pooled = pooledPerReplica === cfg.n ? this.input : device.createBuffer({
      label: 'NeighbourStatistics.pooled',
      size: pooledPerReplica * cfg.replicas * PARTICLE_BYTES,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
  }

  /** The pooled k-NN search's block: m·R particles, one block. */
  private get pooledConfig(): NeighbourPassConfig {
    return { n: this.pooledPerReplica * this.cfg.replicas, replicas: 1 };
  }

  private get particleBytes(): number {
    return this.cfg.n * this.cfg.replicas * PARTICLE_BYTES;
  }

  /**
   * Measures the velocities `source` holds now (the copy is submitted before this returns):
   * pooled and within-replica k-NN distances (k ∈ [1, min(16, m·R − 1)]) and KDE score sums with
   * the bandwidths `bandwidthsOf` picks from the snapshot.
   */
  measure(source: GPUBuffer, k: number, bandwidthsOf: BandwidthRule): Promise<NeighbourMeasurement> {
    if (this.destroyed) return Promise.reject(new Error('NeighbourStatistics: measure() after destroy()'));
    const capture = this.device.createBuffer({
      label: 'NeighbourStatistics.capture',
      size: this.particleBytes,
      usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    const encoder = this.device.createCommandEncoder({ label: 'NeighbourStatistics.captureEncoder' });
    if (this.sourceStride === this.cfg.n) encoder.copyBufferToBuffer(source, 0, capture, 0, this.particleBytes);
    else {
      for (let r = 0; r < this.cfg.replicas; r++) {
        encoder.copyBufferToBuffer(source, r * this.sourceStride * PARTICLE_BYTES, capture, r * this.cfg.n * PARTICLE_BYTES, this.cfg.n * PARTICLE_BYTES);
      }
    }
    this.device.queue.submit([encoder.finish()]);
    const result = this.tail.then(() => this.measureCapture(capture, k, bandwidthsOf)).finally(() => capture.destroy());
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** The k-NN pass over the pooled sample (one block of m·R) or within each replica (R blocks of m). */
  private knn(k: number, blocks: 'pooled' | 'replicas'): Promise<KnnPass> {
    const key = `${blocks}:${k}`;
    let pass = this.knnPasses.get(key);
    if (!pass) {
      const cfg = blocks === 'pooled' ? this.pooledConfig : { n: this.pooledPerReplica, replicas: this.cfg.replicas };
      let pipeline = this.knnPipelines.get(k);
      if (!pipeline) {
        pipeline = KnnPass.pipeline(this.device, k);
        this.knnPipelines.set(k, pipeline);
        pipeline.catch(() => this.knnPipelines.delete(k));
      }
      pass = KnnPass.create(this.device, { ...cfg, k }, this.pooled, pipeline);
      this.knnPasses.set(key, pass);
      pass.catch(() => this.knnPasses.delete(key));
    }
    return pass;
  }

  private kde(): Promise<KdeScorePass> {
    this.kdePass ??= KdeScorePass.create(this.device, this.cfg, this.input);
    return this.kdePass;
  }

  private staging(label: string, size: number): GPUBuffer {
    return this.device.createBuffer({ label, size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  private async measureCapture(capture: GPUBuffer, k: number, bandwidthsOf: BandwidthRule): Promise<NeighbourMeasurement> {
    // One replica: the pooled sample is the replica, searched once (no standard error to form).
    const withinReplicas = this.cfg.replicas > 1 && k <= this.pooledPerReplica - 1;
    const [knn, replicaKnn, kde] = await Promise.all([this.knn(k, 'pooled'), withinReplicas ? this.knn(k, 'replicas') : null, this.kde()]);
    if (this.destroyed) throw new Error('NeighbourStatistics: destroyed during a measurement');
    const { device } = this;
    const bytes = this.particleBytes;
    const particlesStaging = this.staging('NeighbourStatistics.particlesStaging', bytes);
    const distancesStaging = this.staging('NeighbourStatistics.distancesStaging', knn.distanceBytes);
    const replicaStaging = replicaKnn ? this.staging('NeighbourStatistics.replicaDistancesStaging', replicaKnn.distanceBytes) : null;
    const first = device.createCommandEncoder({ label: 'NeighbourStatistics.knnEncoder' });
    first.copyBufferToBuffer(capture, 0, this.input, 0, bytes);
    if (this.pooled !== this.input) {
      const m = this.pooledPerReplica;
      for (let r = 0; r < this.cfg.replicas; r++) {
        first.copyBufferToBuffer(capture, r * this.cfg.n * PARTICLE_BYTES, this.pooled, r * m * PARTICLE_BYTES, m * PARTICLE_BYTES);
      }
    }
    knn.encode(first);
    replicaKnn?.encode(first);
    first.copyBufferToBuffer(this.input, 0, particlesStaging, 0, bytes);
    first.copyBufferToBuffer(knn.distances, 0, distancesStaging, 0, knn.distanceBytes);
    if (replicaKnn && replicaStaging) first.copyBufferToBuffer(replicaKnn.distances, 0, replicaStaging, 0, replicaKnn.distanceBytes);
    device.queue.submit([first.finish()]);
    const [particlesRaw, distancesRaw, replicaRaw] = await Promise.all([mapCopy(particlesStaging), mapCopy(distancesStaging), replicaStaging ? mapCopy(replicaStaging) : null]);
    if (this.destroyed) throw new Error('NeighbourStatistics: destroyed during a measurement');
    const particles = new Float32Array(particlesRaw);
    const bandwidths = bandwidthsOf(particles);
    kde.setBandwidths(bandwidths);
    const scoreStaging = this.staging('NeighbourStatistics.scoreStaging', kde.scoreSumsBytes);
    const second = device.createCommandEncoder({ label: 'NeighbourStatistics.kdeEncoder' });
    kde.encode(second);
    second.copyBufferToBuffer(kde.scoreSums, 0, scoreStaging, 0, kde.scoreSumsBytes);
    device.queue.submit([second.finish()]);
    const scoreSums = new Float32Array(await mapCopy(scoreStaging));
    return {
      particles,
      k,
      distances: new Float32Array(distancesRaw),
      replicaDistances: replicaRaw ? new Float32Array(replicaRaw) : null,
      pooledPerReplica: this.pooledPerReplica,
      scoreSums,
      bandwidths: [...bandwidths],
    };
  }

  /**
   * Frees the buffers once no measurement is using them: one in flight stops at its next
   * `destroyed` check (it never submits after that), so destroying a backend mid-measurement
   * never submits destroyed buffers.
   */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    void this.tail.then(() => {
      this.input.destroy();
      if (this.pooled !== this.input) this.pooled.destroy();
      for (const pass of this.knnPasses.values()) pass.then((p) => p.destroy(), () => undefined);
      this.kdePass?.then((p) => p.destroy(), () => undefined);
    });
  }
}
