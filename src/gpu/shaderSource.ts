/**
 * WGSL sources, combined explicitly: the generated structs (layout.ts) + shared files + the
 * pass's own file. Shaders live in shaders/ and are imported as raw text.
 */
import rngWgsl from '../../shaders/rng.wgsl?raw';
import landauKernelWgsl from '../../shaders/landau_kernel.wgsl?raw';
import landauStepWgsl from '../../shaders/landau_step.wgsl?raw';
import momentsWgsl from '../../shaders/moments.wgsl?raw';
import rngStreamWgsl from '../../shaders/rng_stream.wgsl?raw';
import choleskyWgsl from '../../shaders/cholesky.wgsl?raw';
import firstOrderKernelWgsl from '../../shaders/first_order_kernel.wgsl?raw';
import firstOrderStepWgsl from '../../shaders/first_order_step.wgsl?raw';
import torusStepWgsl from '../../shaders/torus_step.wgsl?raw';
import pairTileWgsl from '../../shaders/pair_tile.wgsl?raw';
import stepSliceWgsl from '../../shaders/step_slice.wgsl?raw';
import knnWgsl from '../../shaders/knn.wgsl?raw';
import kdeScoreWgsl from '../../shaders/kde_score.wgsl?raw';
import batchStepWgsl from '../../shaders/batch_step.wgsl?raw';
import { NeighbourParamsLayout, StepParamsLayout, wgslStruct } from './layout';

const stepParams = wgslStruct(StepParamsLayout);
const neighbourParams = wgslStruct(NeighbourParamsLayout);

export const shaderSources = {
  landauStep: [stepParams, rngWgsl, choleskyWgsl, landauKernelWgsl, pairTileWgsl, stepSliceWgsl, landauStepWgsl].join('\n'),
  /** First-order systems (models.md §3) and the torus (§2). */
  firstOrderStep: [stepParams, rngWgsl, firstOrderKernelWgsl, pairTileWgsl, stepSliceWgsl, firstOrderStepWgsl].join('\n'),
  torusStep: [stepParams, rngWgsl, choleskyWgsl, pairTileWgsl, stepSliceWgsl, torusStepWgsl].join('\n'),
  /** Random batches (models.md §1.5); batchStep.ts prepends MAX_SLOTS. */
  batchStep: [stepParams, rngWgsl, choleskyWgsl, landauKernelWgsl, stepSliceWgsl, batchStepWgsl].join('\n'),
  moments: [stepParams, momentsWgsl].join('\n'),
  rngStream: [rngWgsl, rngStreamWgsl].join('\n'),
  /** Entropy diagnostics (models.md §4): k-NN distances and KDE score sums. */
  knn: [neighbourParams, knnWgsl].join('\n'),
  kdeScore: [neighbourParams, kdeScoreWgsl].join('\n'),
};

/** Compiles a module and throws with the compiler's messages (file lines) on error. */
export async function compileModule(device: GPUDevice, label: string, code: string): Promise<GPUShaderModule> {
  const module = device.createShaderModule({ label, code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length) {
    throw new Error(`${label}: WGSL compilation failed:\n${errors.map((m) => `  line ${m.lineNum}:${m.linePos} ${m.message}`).join('\n')}`);
  }
  return module;
}
