/**
 * The app's one GPUDevice, created in one place with `lost` and `uncapturederror` handlers
 * (conventions.md). The same device is handed to three.js and to every compute pass.
 */

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
  /** A CPU implementation (SwiftShader, llvmpipe): say so plainly in the UI. */
  isFallback: boolean;
}

export interface GpuContext {
  device: GPUDevice;
  adapter: AdapterSummary;
  /** Resolves when the device is lost (with the browser's reason). */
  lost: Promise<GPUDeviceLostInfo>;
}

export interface AcquireOptions {
  /** Called for validation/out-of-memory errors nobody captured. */
  onError?: (message: string) => void;
}

export function describeAdapter(a: AdapterSummary): string {
  const name = [a.vendor, a.architecture, a.description].filter(Boolean).join(' ') || 'unknown adapter';
  return a.isFallback ? `${name} (CPU fallback, no hardware GPU)` : name;
}

/** Requests an adapter and device; returns a message (never throws) when WebGPU is unavailable. */
export async function acquireGpu(opts: AcquireOptions = {}): Promise<GpuContext | { error: string }> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { error: 'This browser does not expose WebGPU (navigator.gpu is missing).' };
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { error: `WebGPU adapter request failed: ${String(e)}` };
  }
  if (!adapter) return { error: 'No WebGPU adapter is available on this machine.' };
  const info = adapter.info;
  const summary: AdapterSummary = {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    description: info?.description ?? '',
    isFallback: Boolean((info as GPUAdapterInfo & { isFallbackAdapter?: boolean })?.isFallbackAdapter) || /swiftshader|llvmpipe/i.test(`${info?.architecture} ${info?.description}`),
  };
  const l = adapter.limits;
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      label: 'MeanFieldLab.device',
      // GPU time of each paced submission (gpu/submitTimer.ts), where the adapter offers it.
      requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
      requiredLimits: {
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
        maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      },
    });
  } catch (e) {
    return { error: `WebGPU device request failed: ${String(e)}` };
  }
  device.addEventListener('uncapturederror', (ev) => {
    const msg = (ev as GPUUncapturedErrorEvent).error.message;
    if (opts.onError) opts.onError(msg);
    else console.error(`WebGPU error: ${msg}`);
  });
  return { device, adapter: summary, lost: device.lost };
}
