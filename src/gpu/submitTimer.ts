/**
 * GPU time of one submission (issue 10's pacing): timestamp queries around the submission's
 * compute passes where the device has the 'timestamp-query' feature, else the wall time from
 * `submit` to `onSubmittedWorkDone` (an upper bound: it includes queue latency and any work
 * queued before). Browsers may quantise timestamps (Chromium: 100 µs without a flag), far below
 * the 50 ms a paced submission lasts.
 */

export interface SubmitTiming {
  /** Milliseconds the submission took: GPU time from timestamps, or wall time to completion. */
  ms: number;
  source: 'timestamps' | 'wall';
  /** With timestamps: the wall time from submit to completion too (ms). */
  wallMs?: number;
}

export class SubmitTimer {
  private readonly querySet: GPUQuerySet | null;
  private readonly resolve: GPUBuffer | null;
  private destroyed = false;

  constructor(private readonly device: GPUDevice) {
    const timestamps = device.features.has('timestamp-query');
    this.querySet = timestamps ? device.createQuerySet({ label: 'SubmitTimer.querySet', type: 'timestamp', count: 2 }) : null;
    this.resolve = timestamps
      ? device.createBuffer({ label: 'SubmitTimer.resolve', size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC })
      : null;
  }

  get source(): SubmitTiming['source'] {
    return this.querySet ? 'timestamps' : 'wall';
  }

  /** timestampWrites for the first (beginning) and last (end) compute pass of a submission. */
  passWrites(first: boolean, last: boolean): GPUComputePassTimestampWrites | undefined {
    if (!this.querySet || (!first && !last)) return undefined;
    return {
      querySet: this.querySet,
      ...(first ? { beginningOfPassWriteIndex: 0 } : {}),
      ...(last ? { endOfPassWriteIndex: 1 } : {}),
    };
  }

  /**
   * Finishes `encoder` (after resolving the timestamps into a staging buffer), submits it and
   * resolves with the submission's time. Rejects only if the device is lost or destroyed.
   */
  async submit(encoder: GPUCommandEncoder): Promise<SubmitTiming> {
    const { device } = this;
    let staging: GPUBuffer | null = null;
    if (this.querySet && this.resolve && !this.destroyed) {
      // One staging buffer, reused: the pacing keeps one submission in flight per timer. A
      // second one while it is mapping gets a buffer of its own, destroyed after use.
      const reuse = this.idle;
      this.idle = null;
      staging = reuse ?? device.createBuffer({ label: 'SubmitTimer.staging', size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      encoder.resolveQuerySet(this.querySet, 0, 2, this.resolve, 0);
      encoder.copyBufferToBuffer(this.resolve, 0, staging, 0, 16);
    }
    const start = performance.now();
    device.queue.submit([encoder.finish()]);
    if (!staging) {
      await device.queue.onSubmittedWorkDone();
      return { ms: performance.now() - start, source: 'wall' };
    }
    let ok = false;
    try {
      await staging.mapAsync(GPUMapMode.READ);
      const [t0, t1] = new BigUint64Array(staging.getMappedRange().slice(0));
      staging.unmap();
      ok = true;
      const wall = performance.now() - start;
      // Some implementations return 0 or unordered values for passes they could not time.
      if (!(t1 > t0)) return { ms: wall, source: 'wall' };
      return { ms: Number(t1 - t0) / 1e6, source: 'timestamps', wallMs: wall };
    } finally {
      if (ok && !this.destroyed && this.idle === null) this.idle = staging;
      else staging.destroy();
    }
  }

  /** The staging buffer waiting for the next submission (null while one is in use). */
  private idle: GPUBuffer | null = null;

  destroy(): void {
    this.destroyed = true;
    this.idle?.destroy();
    this.idle = null;
    this.querySet?.destroy();
    this.resolve?.destroy();
  }
}
