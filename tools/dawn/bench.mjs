#!/usr/bin/env node
/**
 * Landau-step benchmark on Dawn (the `webgpu` npm package's dawn.node), outside the browser, so it
 * runs on any machine with a Vulkan (or GL ES) driver and Node ≥ 20, with no npm install.
 *
 *   npx tsx tools/dawn/exportShaders.ts            # writes .gpubench/shaders.json (the app's WGSL)
 *   node tools/dawn/bench.mjs --backend vulkan     # the GPU (prints the adapter; see README.md)
 *   EGL_PLATFORM=surfaceless node tools/dawn/bench.mjs --backend opengles --n 1024   # GL ES / llvmpipe
 *
 * It reproduces what the app does (src/gpu/passes/pairStepPass.ts, src/engine/webgpuBackend.ts):
 * the same composed WGSL (shaders/landau_step.wgsl + its includes, exported by exportShaders.ts),
 * the same override constants (WG, D, NOISE, GAMMA_MODE, RNG_KIND, FULL_TILES, PB), the same explicit bind group
 * layouts (0: uniform StepParams with a dynamic offset into a ring of 256-byte slots, 1: read-only
 * storage particles, 2: storage particlesOut / 3: storage terms), the same dispatch
 * (ceil(N / WG), R), one compute pass per step and STEPS_PER_SUBMIT steps per submission, each
 * step with its own uniform slot (step counter). Timing: wall clock from the first submit to
 * onSubmittedWorkDone (as `npm run bench`), and, where the adapter has 'timestamp-query', the GPU
 * time summed over the submissions (first pass's start to last pass's end in each).
 *
 * Correctness: the `pairTerms` output (drift (2/N)Σb, Ā diagonal, Ā off-diagonal) of a few
 * particles against a float64 evaluation in JavaScript on the same float32 inputs; after the
 * timed steps, all velocities must be finite.
 *
 * Options (all optional):
 *   --backend vulkan|opengles|opengl|null…   Dawn backend (default: Dawn's choice)
 *   --n 4096,16384,65536,65536x2             particles per replica, "NxR" for R replicas
 *   --gamma -3,0                              γ (GAMMA_MODE 2 for −3, 1 for 0, 0 otherwise)
 *   --noise nanbu,fgm,kac                     noise systems (NOISE 0, 1, 2; also rotation 3, rotation-shared 4)
 *   --increments gaussian,two-point           pair-noise increments (TWO_POINT; two-point rows skip nanbu)
 *   --d 3  --eps 0.1  --dt 0.001  --seed 1  --rng pcg4d|philox
 *   --wg 128                                  workgroup sizes to try (the app uses 128)
 *   --pb 1                                    particles per invocation to try (1, 2, 4; WG/PB in the table)
 *   --seconds 1                               target wall time per measurement
 *   --max-reps 4096                           cap on repetitions per measurement
 *   --shaders .gpubench/shaders.json          output of exportShaders.ts
 *   --webgpu PATH                             the webgpu package's index.js or a dawn.node
 *                                             (default: .gpubench/webgpu/index.js, then `webgpu`)
 *   --json PATH                               write the results as JSON
 *   --expect-vendor nvidia                    exit 3 unless the adapter's vendor/description matches
 *   --no-timestamps                           wall clock only
 * (Negative values need '=': --gamma=-3.)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    backend: { type: 'string' },
    n: { type: 'string', default: '4096,16384,65536,65536x2' },
    gamma: { type: 'string', default: '-3,0' },
    noise: { type: 'string', default: 'nanbu,fgm,kac' },
    increments: { type: 'string', default: 'gaussian' },
    d: { type: 'string', default: '3' },
    eps: { type: 'string', default: '0.1' },
    dt: { type: 'string', default: '0.001' },
    seed: { type: 'string', default: '1' },
    rng: { type: 'string', default: 'pcg4d' },
    wg: { type: 'string' },
    pb: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '1' },
    'max-reps': { type: 'string', default: '4096' },
    shaders: { type: 'string', default: '.gpubench/shaders.json' },
    webgpu: { type: 'string' },
    json: { type: 'string' },
    'expect-vendor': { type: 'string' },
    'no-timestamps': { type: 'boolean', default: false },
  },
});

// ---------------------------------------------------------------------------------------------
// Dawn

async function loadDawn(path) {
  const candidates = path ? [path] : ['.gpubench/webgpu/index.js', 'webgpu'];
  for (const c of candidates) {
    try {
      if (c.endsWith('.node')) return createRequire(import.meta.url)(resolve(c));
      if (c === 'webgpu') return await import('webgpu');
      if (existsSync(c)) return await import(pathToFileURL(resolve(c)).href);
    } catch (e) {
      if (path) throw e;
    }
  }
  throw new Error('dawn.node not found: pass --webgpu PATH (the webgpu package\'s index.js or its dist/<platform>/dawn.node); see tools/dawn/README.md');
}

const { create, globals } = await loadDawn(opt.webgpu);
Object.assign(globalThis, globals); // GPUBufferUsage, GPUShaderStage, GPUMapMode…
const dawnFlags = ['disable-dawn-features=timestamp_quantization'];
if (opt.backend) dawnFlags.push(`backend=${opt.backend}`);
const gpu = create(dawnFlags);
// GL ES only offers WebGPU compatibility mode (llvmpipe, Mesa); everything else the core level.
const compat = opt.backend === 'opengles' || opt.backend === 'opengl';
const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance', ...(compat ? { featureLevel: 'compatibility' } : {}) });
if (!adapter) throw new Error(`no WebGPU adapter (backend ${opt.backend ?? 'default'})`);
const info = adapter.info ?? {};
const adapterInfo = { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, backend: opt.backend ?? 'default', compat };
const adapterLine = `vendor '${info.vendor ?? ''}', architecture '${info.architecture ?? ''}', device '${info.device ?? ''}', description '${info.description ?? ''}' (backend ${adapterInfo.backend}${compat ? ', compatibility mode' : ''})`;
console.log(`Mean-Field Lab — Dawn benchmark, ${new Date().toISOString()}`);
console.log(`adapter: ${adapterLine}`);
if (opt['expect-vendor']) {
  const want = opt['expect-vendor'].toLowerCase();
  if (!`${info.vendor} ${info.description} ${info.device}`.toLowerCase().includes(want)) {
    console.error(`adapter is not ${want}: stopping`);
    process.exit(3);
  }
}
const hasTimestamps = adapter.features.has('timestamp-query') && !opt['no-timestamps'];
const device = await adapter.requestDevice({
  requiredFeatures: hasTimestamps ? ['timestamp-query'] : [],
  requiredLimits: {
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxBufferSize: adapter.limits.maxBufferSize,
  },
});
device.addEventListener?.('uncapturederror', (e) => console.error('WebGPU error:', e.error?.message ?? e));
console.log(`timestamp queries: ${hasTimestamps ? 'yes' : 'no (wall clock only)'}`);

// ---------------------------------------------------------------------------------------------
// Shaders and layouts (from exportShaders.ts)

const exported = JSON.parse(readFileSync(opt.shaders, 'utf8'));
const code = exported.shaders.landauStep;
const STEPS_PER_SUBMIT = exported.stepsPerSubmit;
const PAIR_TERMS_VEC4 = exported.pairTermsVec4;
const PARTICLE_BYTES = exported.particleBytes;
const SP = exported.stepParams; // { size, fields: [{ name, type, offset }] }
const wgs = (opt.wg ?? String(exported.stepWorkgroup)).split(',').map(Number);
const pbs = opt.pb.split(',').map(Number); // particles per invocation (landau_step.wgsl PB): 1, 2, 4
const d = Number(opt.d);
const eps = Number(opt.eps);
const dt = Number(opt.dt);
const seed = Number(opt.seed);
const NOISE = { nanbu: 0, fgm: 1, kac: 2, rotation: 3, 'rotation-shared': 4 }; // landauStep.ts NOISE_CODE
const gammaMode = (g) => (g === 0 ? 1 : g === -3 ? 2 : 0); // as landauStep.ts

const module = device.createShaderModule({ label: 'landauStep', code });
const compileInfo = await module.getCompilationInfo();
const compileErrors = compileInfo.messages.filter((m) => m.type === 'error');
if (compileErrors.length) {
  throw new Error(`WGSL compilation failed:\n${compileErrors.map((m) => `  line ${m.lineNum}:${m.linePos} ${m.message}`).join('\n')}`);
}

const stride = Math.max(device.limits.minUniformBufferOffsetAlignment, SP.size);
const ring = device.createBuffer({ label: 'ring', size: stride * STEPS_PER_SUBMIT, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
const ringStaging = new ArrayBuffer(stride * STEPS_PER_SUBMIT);
const ringView = new DataView(ringStaging);

/** packStruct(StepParamsLayout, …) of src/gpu/layout.ts, slot by slot. */
function writeRing(values) {
  values.forEach((v, k) => {
    for (const f of SP.fields) {
      if (f.type === 'u32') ringView.setUint32(k * stride + f.offset, v[f.name] >>> 0, true);
      else ringView.setFloat32(k * stride + f.offset, v[f.name], true);
    }
  });
  device.queue.writeBuffer(ring, 0, ringStaging, 0, values.length * stride);
}

const uniformEntry = { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: SP.size } };
const readEntry = { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } };
const stepLayout = device.createBindGroupLayout({ label: 'stepLayout', entries: [uniformEntry, readEntry, { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } }] });
const termsLayout = device.createBindGroupLayout({ label: 'termsLayout', entries: [uniformEntry, readEntry, { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } }] });
const stepPipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [stepLayout] });
const termsPipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [termsLayout] });

async function pipeline(layout, entryPoint, constants) {
  return device.createComputePipelineAsync({ label: `${entryPoint}(${JSON.stringify(constants)})`, layout, compute: { module, entryPoint, constants } });
}

// ---------------------------------------------------------------------------------------------
// Data

/** Deterministic standard normals (xorshift32 + Box–Muller), float32-rounded velocities. */
function gaussianVelocities(count, s) {
  const a = new Float32Array(count * 4);
  let x = (s * 2654435761) >>> 0 || 1;
  const u = () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return (x + 0.5) / 4294967296;
  };
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < d; c++) a[4 * i + c] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  }
  return a;
}

async function readBuffer(src, size) {
  const staging = device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const e = device.createCommandEncoder();
  e.copyBufferToBuffer(src, 0, staging, 0, size);
  device.queue.submit([e.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  staging.destroy();
  return out;
}

/**
 * float64 pair sums of particle i of replica r, the pairTerms outputs without the noise:
 * drift 2(d−1)/N Σ_j −α z, Ā diag 1/N Σ_j α(|z|² − z_c²), Ā off-diag 1/N Σ_j −α (z_x z_y, z_y z_z, z_z z_x).
 */
function referenceTerms(v, n, r, i, gamma) {
  const base = r * n;
  const vi = [v[4 * (base + i)], v[4 * (base + i) + 1], v[4 * (base + i) + 2]];
  const drift = [0, 0, 0], diag = [0, 0, 0], offd = [0, 0, 0];
  for (let j = 0; j < n; j++) {
    const o = 4 * (base + j);
    const z = [vi[0] - v[o], vi[1] - v[o + 1], vi[2] - v[o + 2]];
    const r2 = z[0] * z[0] + z[1] * z[1] + z[2] * z[2];
    const s = r2 + eps * eps;
    const al = gamma === 0 ? 1 : s > 0 ? Math.pow(s, gamma / 2) : 0;
    for (let c = 0; c < 3; c++) {
      drift[c] -= al * z[c];
      diag[c] += al * (r2 - z[c] * z[c]);
      offd[c] -= al * z[c] * z[(c + 1) % 3];
    }
  }
  const k = (2 * (d - 1)) / n;
  if (d === 2) diag[2] = 0;
  return { drift: drift.map((x) => x * k), diag: diag.map((x) => x / n), offd: offd.map((x) => x / n) };
}

/** max over components of |gpu − ref| / max(|ref|) of each 3-vector. */
function relErr(gpuVec, refVec) {
  const scale = Math.max(...refVec.map(Math.abs), 1e-30);
  return Math.max(...refVec.map((x, c) => Math.abs(gpuVec[c] - x))) / scale;
}

// ---------------------------------------------------------------------------------------------
// Measurements

/**
 * Encodes `reps` repetitions of `encodeOne(pass, k)` (one compute pass each), STEPS_PER_SUBMIT
 * per submission with the ring refilled before each; returns wall seconds and GPU seconds.
 */
async function timed(reps, encodeOne, ringValues) {
  const batches = Math.ceil(reps / STEPS_PER_SUBMIT);
  const qs = hasTimestamps ? device.createQuerySet({ type: 'timestamp', count: 2 * batches }) : null;
  const t0 = performance.now();
  for (let b = 0, done = 0; b < batches; b++) {
    const count = Math.min(STEPS_PER_SUBMIT, reps - done);
    if (ringValues) writeRing(Array.from({ length: count }, (_, k) => ringValues(done + k)));
    const e = device.createCommandEncoder();
    for (let k = 0; k < count; k++) {
      const tw = qs && (k === 0 || k === count - 1)
        ? { timestampWrites: { querySet: qs, ...(k === 0 ? { beginningOfPassWriteIndex: 2 * b } : {}), ...(k === count - 1 ? { endOfPassWriteIndex: 2 * b + 1 } : {}) } }
        : {};
      const pass = e.beginComputePass(tw);
      encodeOne(pass, k, done + k);
      pass.end();
    }
    device.queue.submit([e.finish()]);
    done += count;
  }
  await device.queue.onSubmittedWorkDone();
  const wall = (performance.now() - t0) / 1000;
  let gpuSec = null;
  if (qs) {
    const buf = device.createBuffer({ size: 16 * batches, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    const rd = device.createBuffer({ size: 16 * batches, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const e = device.createCommandEncoder();
    e.resolveQuerySet(qs, 0, 2 * batches, buf, 0);
    e.copyBufferToBuffer(buf, 0, rd, 0, 16 * batches);
    device.queue.submit([e.finish()]);
    await rd.mapAsync(GPUMapMode.READ);
    const t = new BigInt64Array(rd.getMappedRange());
    let ns = 0n;
    for (let b = 0; b < batches; b++) ns += t[2 * b + 1] - t[2 * b];
    rd.unmap();
    gpuSec = Number(ns) / 1e9;
    gpuSec = gpuSec > 0 ? gpuSec : null; // 0 = timestamps not written (some backends)
    buf.destroy(); rd.destroy(); qs.destroy();
  }
  return { wall, gpu: gpuSec };
}

/** Repetitions for ~`seconds` of wall time, from one timed repetition (after a warm-up one). */
async function measure(encodeOne, ringValues) {
  await timed(1, encodeOne, ringValues); // warm-up: pipeline, first touch
  const once = await timed(2, encodeOne, ringValues);
  const per = once.wall / 2;
  const reps = Math.max(4, Math.min(Number(opt['max-reps']), Math.round(Number(opt.seconds) / Math.max(per, 1e-6))));
  const t = await timed(reps, encodeOne, ringValues);
  return { reps, ...t };
}

function parseSizes(s) {
  return s.split(',').map((x) => {
    const [n, r] = x.split('x').map(Number);
    return { n, replicas: r || 1 };
  });
}

const fmt = (x) => (x == null ? '—' : x.toExponential(2));
const rows = [];
const checks = [];
console.log(`d=${d}, eps=${eps}, dt=${dt}, rng=${opt.rng}, ${STEPS_PER_SUBMIT} steps per submit, one compute pass per step\n`);
console.log('   N×R  WG/PB   γ  noise | pair pass pairs/s (wall / gpu) | steps/s (wall / gpu)  | step pairs/s (wall / gpu) | reps');

for (const { n, replicas } of parseSizes(opt.n)) {
  const total = n * replicas;
  const v0 = gaussianVelocities(total, seed);
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const particles = [0, 1].map((k) => device.createBuffer({ label: `particles${k}`, size: total * PARTICLE_BYTES, usage }));
  const input = device.createBuffer({ label: 'pairInput', size: total * PARTICLE_BYTES, usage });
  const terms = device.createBuffer({ label: 'terms', size: total * PAIR_TERMS_VEC4 * PARTICLE_BYTES, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  device.queue.writeBuffer(input, 0, v0);
  const uniform = { buffer: ring, size: SP.size };
  const termsGroup = device.createBindGroup({ layout: termsLayout, entries: [{ binding: 0, resource: uniform }, { binding: 1, resource: { buffer: input } }, { binding: 3, resource: { buffer: terms } }] });
  const stepGroups = [0, 1].map((k) => device.createBindGroup({ layout: stepLayout, entries: [{ binding: 0, resource: uniform }, { binding: 1, resource: { buffer: particles[k] } }, { binding: 2, resource: { buffer: particles[1 - k] } }] }));

  for (const [wg, pb] of wgs.flatMap((w) => pbs.map((b) => [w, b]))) {
    const dispatch = (pass) => pass.dispatchWorkgroups(Math.ceil(n / (wg * pb)), replicas);
    for (const gamma of opt.gamma.split(',').map(Number)) {
      const uniformsFor = (step) => ({ n, replicas, step, seed, dt, gamma, eps2: eps * eps, invN: 1 / n, groupBase: 0, replicaBase: 0 });
      const variants = opt.noise.split(',').flatMap((x) => opt.increments.split(',').filter((i) => x !== 'nanbu' || i === 'gaussian').map((i) => [x, i]));
      for (const [noise, increments] of variants) {
        if (!(noise in NOISE) || !['gaussian', 'two-point'].includes(increments)) throw new Error(`unknown noise ${noise} or increments ${increments}`);
        const label = increments === 'two-point' ? `${noise}/2pt` : noise;
        const constants = { WG: wg, D: d, NOISE: NOISE[noise], TWO_POINT: increments === 'two-point' ? 1 : 0, GAMMA_MODE: gammaMode(gamma), RNG_KIND: opt.rng === 'pcg4d' ? 0 : 1, FULL_TILES: n % wg === 0 ? 1 : 0, PB: pb };
        const [termsPipe, stepPipe] = await Promise.all([
          pipeline(termsPipelineLayout, 'pairTerms', constants),
          pipeline(stepPipelineLayout, noise === 'nanbu' ? 'stepNanbu' : 'stepPairNoise', constants),
        ]);

        // Pair pass (pairTerms with this noise's constants; NOISE 0 = drift + Ā), uniform slot 0.
        writeRing([uniformsFor(0)]);
        const encodeTerms = (pass) => { pass.setPipeline(termsPipe); pass.setBindGroup(0, termsGroup, [0]); dispatch(pass); };
        const pair = await measure(encodeTerms, null);

        // Correctness of the pair pass (drift, Ā) on a few particles of the first and last replica.
        const out = await readBuffer(terms, total * PAIR_TERMS_VEC4 * PARTICLE_BYTES);
        const probe = [[0, 0], [0, 1], [0, n - 1], [replicas - 1, Math.floor(n / 2)], [replicas - 1, n - 1]];
        let worst = 0;
        let finite = true;
        for (const [r, i] of probe) {
          const ref = referenceTerms(v0, n, r, i, gamma);
          const o = 4 * PAIR_TERMS_VEC4 * (r * n + i);
          const g = (k) => [out[o + 4 * k], out[o + 4 * k + 1], out[o + 4 * k + 2]];
          worst = Math.max(worst, relErr(g(0), ref.drift));
          if (noise === 'nanbu') worst = Math.max(worst, relErr(g(1), ref.diag), relErr(g(2), ref.offd));
          else finite &&= g(3).every(Number.isFinite) && g(3).some((x) => x !== 0);
        }
        checks.push({ n, replicas, wg, gamma, noise, increments, maxRelErr: worst, noiseFiniteNonzero: finite });

        // Full steps, each with its own uniform slot (step counter) as webgpuBackend.step().
        device.queue.writeBuffer(particles[0], 0, v0);
        let parity = 0;
        const encodeStep = (pass, slot) => {
          pass.setPipeline(stepPipe);
          pass.setBindGroup(0, stepGroups[parity], [slot * stride]);
          dispatch(pass);
          parity ^= 1;
        };
        const step = await measure(encodeStep, uniformsFor);
        const after = await readBuffer(particles[parity], total * PARTICLE_BYTES);
        const stepsFinite = after.every(Number.isFinite);
        checks[checks.length - 1].stepsFinite = stepsFinite;

        const pairs = replicas * n * n;
        const row = {
          n, replicas, wg, pb, d, gamma, eps, noise, increments,
          pairPass: { reps: pair.reps, wallSec: pair.wall, gpuSec: pair.gpu, pairsPerSecWall: (pair.reps * pairs) / pair.wall, pairsPerSecGpu: pair.gpu ? (pair.reps * pairs) / pair.gpu : null },
          step: { reps: step.reps, wallSec: step.wall, gpuSec: step.gpu, stepsPerSecWall: step.reps / step.wall, stepsPerSecGpu: step.gpu ? step.reps / step.gpu : null, pairsPerSecWall: (step.reps * pairs) / step.wall, pairsPerSecGpu: step.gpu ? (step.reps * pairs) / step.gpu : null },
        };
        rows.push(row);
        console.log(
          `${`${n}×${replicas}`.padStart(8)} ${`${wg}${pb > 1 ? `/${pb}` : ''}`.padStart(5)} ${String(gamma).padStart(3)}  ${label.padEnd(5)} | `
          + `${fmt(row.pairPass.pairsPerSecWall)} / ${fmt(row.pairPass.pairsPerSecGpu)}`.padEnd(31) + '| '
          + `${row.step.stepsPerSecWall.toFixed(1)} / ${row.step.stepsPerSecGpu?.toFixed(1) ?? '—'}`.padEnd(22) + '| '
          + `${fmt(row.step.pairsPerSecWall)} / ${fmt(row.step.pairsPerSecGpu)}`.padEnd(26) + '| '
          + `${pair.reps}, ${step.reps}`
          + `   [check: rel.err ${worst.toExponential(1)}${noise === 'nanbu' ? '' : `, noise ${finite ? 'ok' : 'BAD'}`}, steps ${stepsFinite ? 'finite' : 'NOT FINITE'}]`,
        );
      }
    }
  }
  for (const b of [...particles, input, terms]) b.destroy();
}

const worstErr = Math.max(...checks.map((c) => c.maxRelErr));
const allOk = worstErr < 1e-4 && checks.every((c) => c.noiseFiniteNonzero && c.stepsFinite);
console.log(`\ncorrectness: max relative error of pairTerms (drift, Ā) vs float64 = ${worstErr.toExponential(2)} over ${checks.length} configurations; `
  + `noise sums finite: ${checks.every((c) => c.noiseFiniteNonzero)}; velocities finite after the timed steps: ${checks.every((c) => c.stepsFinite)} → ${allOk ? 'PASS' : 'FAIL'}`);
if (opt.json) {
  writeFileSync(opt.json, JSON.stringify({ date: new Date().toISOString(), adapter: adapterInfo, timestampQueries: hasTimestamps, d, eps, dt, seed, rng: opt.rng, stepsPerSubmit: STEPS_PER_SUBMIT, gitHead: exported.gitHead, rows, checks, pass: allOk }, null, 1));
  console.log(`wrote ${opt.json}`);
}
device.destroy();
process.exit(allOk ? 0 : 1);
