/**
 * WGSL sources, combined explicitly: the generated structs (layout.ts) + shared files + the
 * pass's own file. Shaders live in shaders/ and are imported as raw text.
 */
import rngWgsl from '../../shaders/rng.wgsl?raw';
import landauKernelWgsl from '../../shaders/landau_kernel.wgsl?raw';
import landauStepWgsl from '../../shaders/landau_step.wgsl?raw';
import momentsWgsl from '../../shaders/moments.wgsl?raw';
import rngStreamWgsl from '../../shaders/rng_stream.wgsl?raw';
import { StepParamsLayout, wgslStruct } from './layout';

const stepParams = wgslStruct(StepParamsLayout);

export const shaderSources = {
  landauStep: [stepParams, rngWgsl, landauKernelWgsl, landauStepWgsl].join('\n'),
  moments: [stepParams, momentsWgsl].join('\n'),
  rngStream: [rngWgsl, rngStreamWgsl].join('\n'),
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
