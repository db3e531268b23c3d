/**
 * Owns shaders/histogram.wgsl: GPU histograms of v_x, v_y, v_z, |v| and the 2D (v_x, v_y)
 * density of all n·R particles, for the visualiser's marginal-density views (issue 3).
 *
 * Readback never stalls the simulation: each request clears the count buffer, bins the current
 * particle buffer, copies the counts into one of STAGING_SLOTS mappable staging buffers and
 * resolves when `mapAsync` does. While every slot is still mapping, `request` returns null and
 * the caller simply tries again next frame (no queue of stale requests builds up).
 *
 * `binParticles` is the same binning in TypeScript: the CPU engine's histograms, and the
 * reference the e2e test compares the GPU counts with.
 */
import histogramWgsl from '../../../shaders/histogram.wgsl?raw';
import { PARTICLE_BYTES } from '../layout';
import { compileModule } from '../shaderSource';

/** Bins per 1D histogram (override BINS). */
export const HIST_BINS = 64;
/** Bins per axis of the 2D (v_x, v_y) density (override HEAT_BINS). */
export const HEAT_BINS = 64;
/** Workgroup size of binVelocities (HWG in the shader). */
const HIST_WORKGROUP = 256;
/** Staging buffers: one can map while the next request is encoded. */
const STAGING_SLOTS = 2;

/** u32 counts: 4 1D histograms, the 2D density, 4 overflow counters (histogram.wgsl). */
export const HISTOGRAM_WORDS = 4 * HIST_BINS + HEAT_BINS * HEAT_BINS + 4;
/** HistogramParams: count, d, vMax, speedMax, center and padding to 32 bytes. */
const PARAMS_BYTES = 32;

/** Ranges of the bins, in velocity (or position) units. */
export interface HistogramRange {
  /** Components and the 2D density cover [c − vMax, c + vMax), c = center (default 0). */
  vMax: number;
  /** The distance |v − c| (the speed when c = 0) covers [0, speedMax). */
  speedMax: number;
  /** Centre c of the component ranges, the same on every axis: 0, or ½ for the torus cell [0, 1)^d. */
  center?: number;
}

export interface Histograms {
  range: HistogramRange;
  d: 2 | 3;
  /** Particles binned (n·R). */
  total: number;
  /** Counts of v_x, v_y, v_z (zero for d = 2) and |v|, HIST_BINS each. */
  components: [Uint32Array, Uint32Array, Uint32Array];
  speed: Uint32Array;
  /** HEAT_BINS² counts, row-major: row = v_y bin, column = v_x bin. */
  density2d: Uint32Array;
  /** Out-of-range (or non-finite) values per 1D histogram: v_x, v_y, v_z, |v|. */
  overflow: [number, number, number, number];
  /** Step of the particles that were binned. */
  step: number;
}

/** Splits the flat count layout of histogram.wgsl into named arrays. */
export function unpackHistograms(words: Uint32Array, range: HistogramRange, d: 2 | 3, total: number, step: number): Histograms {
  const B = HIST_BINS;
  const slice = (k: number) => words.slice(k * B, (k + 1) * B);
  const o = 4 * B + HEAT_BINS * HEAT_BINS;
  return {
    range, d, total, step,
    components: [slice(0), slice(1), slice(2)],
    speed: slice(3),
    density2d: words.slice(4 * B, o),
    overflow: [words[o], words[o + 1], words[o + 2], words[o + 3]],
  };
}

function binOf(x: number, lo: number, width: number, nb: number): number {
  const u = (x - lo) / width;
  return u >= 0 && u < nb ? Math.min(Math.floor(u), nb - 1) : nb;
}

/**
 * The shader's binning in TypeScript (float32 rounding aside): counts of `count` particles in
 * the vec4 layout, starting at particle `first`.
 */
export function binParticles(v: ArrayLike<number>, count: number, d: 2 | 3, range: HistogramRange, step = 0, first = 0): Histograms {
  const B = HIST_BINS;
  const words = new Uint32Array(HISTOGRAM_WORDS);
  const overflowBase = 4 * B + HEAT_BINS * HEAT_BINS;
  const w = (2 * range.vMax) / B;
  const wh = (2 * range.vMax) / HEAT_BINS;
  const ws = range.speedMax / B;
  const c0 = range.center ?? 0;
  const lo = c0 - range.vMax;
  for (let k = 0; k < count; k++) {
    const o = (first + k) * 4;
    const x = v[o], y = v[o + 1], z = d === 3 ? v[o + 2] : 0;
    const comps = [x, y, z];
    for (let c = 0; c < d; c++) {
      const b = binOf(comps[c], lo, w, B);
      if (b < B) words[c * B + b]++;
      else words[overflowBase + c]++;
    }
    const dz = d === 3 ? z - c0 : 0;
    const bs = binOf(Math.sqrt((x - c0) ** 2 + (y - c0) ** 2 + dz * dz), 0, ws, B);
    if (bs < B) words[3 * B + bs]++;
    else words[overflowBase + 3]++;
    const hx = binOf(x, lo, wh, HEAT_BINS);
    const hy = binOf(y, lo, wh, HEAT_BINS);
    if (hx < HEAT_BINS && hy < HEAT_BINS) words[4 * B + hy * HEAT_BINS + hx]++;
  }
  return unpackHistograms(words, range, d, count, step);
}

const pipelines = new WeakMap<GPUDevice, Promise<GPUComputePipeline>>();

interface StagingSlot {
  buffer: GPUBuffer;
  busy: boolean;
}

export class HistogramPass {
  /** Bind groups per particle buffer (the backend's two ping-pong buffers). */
  private readonly bindGroups = new Map<GPUBuffer, GPUBindGroup>();
  private readonly paramsData = new ArrayBuffer(PARAMS_BYTES);
  private destroyed = false;

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    private readonly params: GPUBuffer,
    private readonly counts: GPUBuffer,
    private readonly staging: StagingSlot[],
    /** Particles binned per request (n·R). */
    readonly total: number,
    readonly d: 2 | 3,
  ) {}

  static async create(device: GPUDevice, total: number, d: 2 | 3): Promise<HistogramPass> {
    // The pipeline depends on the device only (sizes and ranges are uniforms): compile it once
    // per device and reuse it across rebuilds.
    let pipelinePromise = pipelines.get(device);
    if (!pipelinePromise) {
      pipelinePromise = compileModule(device, 'HistogramPass.module', histogramWgsl).then((module) => device.createComputePipelineAsync({
        label: 'HistogramPass.pipeline',
        layout: 'auto',
        compute: { module, entryPoint: 'binVelocities', constants: { BINS: HIST_BINS, HEAT_BINS } },
      }));
      pipelines.set(device, pipelinePromise);
      pipelinePromise.catch(() => pipelines.delete(device));
    }
    const pipeline = await pipelinePromise;
    const params = device.createBuffer({ label: 'HistogramPass.params', size: PARAMS_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const counts = device.createBuffer({
      label: 'HistogramPass.counts', size: HISTOGRAM_WORDS * 4,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    const staging = Array.from({ length: STAGING_SLOTS }, (_, k) => ({
      buffer: device.createBuffer({ label: `HistogramPass.staging${k}`, size: HISTOGRAM_WORDS * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
      busy: false,
    }));
    return new HistogramPass(device, pipeline, params, counts, staging, total, d);
  }

  private bindGroupFor(particles: GPUBuffer): GPUBindGroup {
    let group = this.bindGroups.get(particles);
    if (!group) {
      group = this.device.createBindGroup({
        label: 'HistogramPass.bindGroup', layout: this.pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.params } },
          { binding: 1, resource: { buffer: particles, size: this.total * PARTICLE_BYTES } },
          { binding: 2, resource: { buffer: this.counts } },
        ],
      });
      this.bindGroups.set(particles, group);
    }
    return group;
  }

  /** True when a staging buffer is free (a `request` now would not return null). */
  get ready(): boolean {
    return !this.destroyed && this.staging.some((s) => !s.busy);
  }

  /**
   * Bins `particles` (the backend's current buffer, as of everything submitted so far) and
   * resolves with the counts; null when every staging buffer is still in flight.
   */
  request(particles: GPUBuffer, range: HistogramRange, step: number): Promise<Histograms> | null {
    if (this.destroyed) return null;
    const slot = this.staging.find((s) => !s.busy);
    if (!slot) return null;
    slot.busy = true;
    const view = new DataView(this.paramsData);
    view.setUint32(0, this.total, true);
    view.setUint32(4, this.d, true);
    view.setFloat32(8, range.vMax, true);
    view.setFloat32(12, range.speedMax, true);
    view.setFloat32(16, range.center ?? 0, true);
    // Queue writes are ordered with submissions: this request's dispatch sees these values.
    this.device.queue.writeBuffer(this.params, 0, this.paramsData);
    const encoder = this.device.createCommandEncoder({ label: 'HistogramPass.encoder' });
    encoder.clearBuffer(this.counts);
    const pass = encoder.beginComputePass({ label: 'HistogramPass.binVelocities' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroupFor(particles));
    pass.dispatchWorkgroups(Math.ceil(this.total / HIST_WORKGROUP));
    pass.end();
    encoder.copyBufferToBuffer(this.counts, 0, slot.buffer, 0, HISTOGRAM_WORDS * 4);
    this.device.queue.submit([encoder.finish()]);
    return slot.buffer.mapAsync(GPUMapMode.READ).then(
      () => {
        const words = new Uint32Array(slot.buffer.getMappedRange().slice(0));
        slot.buffer.unmap();
        slot.busy = false;
        return unpackHistograms(words, range, this.d, this.total, step);
      },
      (e) => {
        slot.busy = false;
        throw e;
      },
    );
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.params.destroy();
    this.counts.destroy();
    // Destroying a buffer while it maps rejects its mapAsync: the pending request fails quietly.
    for (const s of this.staging) s.buffer.destroy();
    this.bindGroups.clear();
  }
}
