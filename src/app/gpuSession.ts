/**
 * GPU acquisition and loss for the app (issue 10's app layer): the page's one GPUDevice
 * (gpu/device.ts acquireGpu), shared by every mount of the frame loop and by three.js, acquired
 * again after a loss. Also the debug counters the e2e tests read: validation errors and the GPU
 * buffers alive, by label (leak test).
 */
import { acquireGpu, type GpuContext } from '../gpu/device';

export interface AppGpu {
  ctx: GpuContext;
  /** Set when the device is lost (or destroyed by the test hook). */
  lost: boolean;
}

/** Validation errors reported by the device (debug hook; tests fail on any). */
export const validationErrors: string[] = [];
/** GPU buffers created and not yet destroyed, by label (debug hook: leak test). */
export const liveBuffers = new Map<string, number>();

export function liveBufferCount(): number {
  let n = 0;
  for (const k of liveBuffers.values()) n += k;
  return n;
}

/** Counts createBuffer/destroy on the device (ours and three.js's) for the leak test. */
function trackBuffers(device: GPUDevice): void {
  const create = device.createBuffer.bind(device);
  device.createBuffer = (desc: GPUBufferDescriptor): GPUBuffer => {
    const buffer = create(desc);
    const label = desc.label || '(three.js)';
    liveBuffers.set(label, (liveBuffers.get(label) ?? 0) + 1);
    const destroy = buffer.destroy.bind(buffer);
    let destroyed = false;
    buffer.destroy = () => {
      if (!destroyed) {
        destroyed = true;
        const k = (liveBuffers.get(label) ?? 1) - 1;
        if (k === 0) liveBuffers.delete(label);
        else liveBuffers.set(label, k);
      }
      destroy();
    };
    return buffer;
  };
}

/** Devices lost so far in this page (rejections they leave behind are expected: see below). */
let lostDevices = 0;

/**
 * Work in flight on a device when it is lost rejects: a pending createComputePipelineAsync with a
 * GPUPipelineError, popErrorScope with "OperationError: Instance dropped" — including calls
 * inside three.js's WebGPU backend that attach no handler (WebGPUPipelineUtils). Our own passes
 * handle their rejections; for those we cannot reach, this page-wide handler marks a rejection
 * handled when a device has been lost AND the reason is one of those GPU errors, and logs it as
 * a warning. Anything else stays an unhandled rejection (and fails the e2e tests).
 */
function isLostDeviceRejection(reason: unknown): boolean {
  if (lostDevices === 0 || !reason || typeof reason !== 'object') return false;
  const name = (reason as { name?: unknown }).name;
  const message = String((reason as { message?: unknown }).message ?? '');
  if (name === 'GPUPipelineError') return true;
  return (name === 'OperationError' || name === 'AbortError' || name === 'InvalidStateError')
    && /instance dropped|device (is |was )?(lost|destroyed)|destroyed device|lost device/i.test(message);
}

let rejectionFilterInstalled = false;
function installLostDeviceRejectionFilter(): void {
  if (rejectionFilterInstalled || typeof globalThis.addEventListener !== 'function') return;
  rejectionFilterInstalled = true;
  globalThis.addEventListener('unhandledrejection', (ev: PromiseRejectionEvent) => {
    if (!isLostDeviceRejection(ev.reason)) return;
    ev.preventDefault();
    const r = ev.reason as { name?: string; message?: string };
    console.warn(`Ignored after the GPU device was lost: ${r.name ?? 'Error'}: ${r.message ?? ''}`);
  });
}

let appGpu: Promise<AppGpu | { error: string }> | null = null;
/** The device `appGpu` resolved to (null before it settles). */
let settled: AppGpu | null = null;

/**
 * The app's device, acquired on first call; a lost one is replaced by a fresh acquisition.
 * Never rejects: `{ error }` says why WebGPU is unavailable.
 */
export async function acquireAppGpu(): Promise<AppGpu | { error: string }> {
  installLostDeviceRejectionFilter();
  // A device lost before anyone watched it (between mounts) is replaced; a few tries at most, and
  // each try is a real acquisition (never a spin on the same settled promise, which would hold
  // the main thread in a microtask loop).
  for (let attempt = 0; attempt < 3; attempt++) {
    const pending = (appGpu ??= acquireGpu({
      onError: (m) => {
        validationErrors.push(m);
        console.error(`WebGPU error: ${m}`);
      },
    }).then((g) => {
      if ('error' in g) return g;
      trackBuffers(g.device);
      const app: AppGpu = { ctx: g, lost: false };
      settled = app;
      void g.lost.then(() => {
        app.lost = true;
        lostDevices++;
      });
      return app;
    }));
    const g = await pending;
    if ('error' in g || !g.lost) return g;
    if (appGpu === pending) appGpu = null;
    if (settled === g) settled = null;
  }
  return { error: 'the GPU device was lost again each time it was acquired' };
}

/** Drops a lost device so that the next acquisition makes a new one. */
export function forgetAppGpu(g: AppGpu): void {
  g.lost = true;
  if (settled === g) {
    settled = null;
    appGpu = null;
  }
}
