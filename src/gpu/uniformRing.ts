/**
 * A ring of per-step uniform slots bound with dynamic offsets: the k steps encoded into one
 * submission each read their own StepParams (the step counter keys the noise), without a
 * CPU round trip per step. Writes are queue operations, so they are ordered with submissions.
 */
import { StepParamsLayout, packStruct, type StepParamsValues } from './layout';

export class UniformRing {
  readonly buffer: GPUBuffer;
  readonly stride: number;
  private readonly staging: ArrayBuffer;
  private readonly view: DataView;

  constructor(private readonly device: GPUDevice, readonly slots: number) {
    this.stride = Math.max(device.limits.minUniformBufferOffsetAlignment, StepParamsLayout.size);
    this.buffer = device.createBuffer({
      label: 'UniformRing.buffer',
      size: this.stride * slots,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.staging = new ArrayBuffer(this.stride * slots);
    this.view = new DataView(this.staging);
  }

  /** Fills slots 0..values.length-1 and uploads them in one write. */
  write(values: StepParamsValues[]): void {
    if (values.length > this.slots) throw new Error(`UniformRing: ${values.length} slots requested, ${this.slots} available`);
    values.forEach((v, k) => packStruct(StepParamsLayout, v, this.view, k * this.stride));
    this.device.queue.writeBuffer(this.buffer, 0, this.staging, 0, values.length * this.stride);
  }

  offset(slot: number): number {
    return slot * this.stride;
  }

  destroy(): void {
    this.buffer.destroy();
  }
}
