/** Owns shaders/rng_stream.wgsl: evaluates the WGSL generator on given inputs (tests). */
import type { RngKind } from '../../physics/rng';
import { compileModule, shaderSources } from '../shaderSource';

export async function gpuRngStream(device: GPUDevice, kind: RngKind, inputs: Uint32Array<ArrayBuffer>): Promise<{ words: Uint32Array; normals: Float32Array }> {
  const module = await compileModule(device, 'RngStream.module', shaderSources.rngStream);
  const pipeline = await device.createComputePipelineAsync({
    label: 'RngStream.pipeline', layout: 'auto',
    compute: { module, entryPoint: 'rngStream', constants: { RNG_KIND: kind === 'pcg4d' ? 0 : 1 } },
  });
  const count = inputs.length / 4;
  const size = count * 16;
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const inBuf = device.createBuffer({ label: 'RngStream.inputs', size, usage });
  const wordsBuf = device.createBuffer({ label: 'RngStream.words', size, usage });
  const gaussBuf = device.createBuffer({ label: 'RngStream.gauss', size, usage });
  const staging = device.createBuffer({ label: 'RngStream.staging', size: 2 * size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(inBuf, 0, inputs);
  const encoder = device.createCommandEncoder({ label: 'RngStream.encoder' });
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: inBuf } }, { binding: 1, resource: { buffer: wordsBuf } }, { binding: 2, resource: { buffer: gaussBuf } }],
  }));
  pass.dispatchWorkgroups(Math.ceil(count / 64));
  pass.end();
  encoder.copyBufferToBuffer(wordsBuf, 0, staging, 0, size);
  encoder.copyBufferToBuffer(gaussBuf, 0, staging, size, size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const raw = staging.getMappedRange().slice(0);
  staging.destroy();
  [inBuf, wordsBuf, gaussBuf].forEach((b) => b.destroy());
  return { words: new Uint32Array(raw, 0, count * 4), normals: new Float32Array(raw, size, count * 4) };
}
