/**
 * One entry point for every model (Landau §1, first-order §3, torus §2): the WebGPU engine when
 * a GPU context is given, else the float64 CPU reference. Both pick the model's step from
 * `params.model` themselves; this factory only chooses the engine.
 */
import type { GpuContext } from '../gpu/device';
import type { Params } from '../physics/params';
import type { Backend } from './backend';
import { CpuBackend } from './cpuBackend';
import { WebGpuBackend } from './webgpuBackend';

export async function createBackend(gpu: GpuContext | null, params: Readonly<Params>, initial?: Float64Array): Promise<Backend> {
  return gpu ? WebGpuBackend.create(gpu, params, initial) : new CpuBackend(params, initial);
}
