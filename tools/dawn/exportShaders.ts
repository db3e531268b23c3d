/**
 * `npx tsx tools/dawn/exportShaders.ts [out.json]` (default .gpubench/shaders.json, git-ignored
 * through .git/info/exclude)
 *
 * Writes the composed WGSL modules of src/gpu/shaderSource.ts (`shaderSources`: generated
 * structs + shared files + the pass's own file, exactly as the app compiles them) and the
 * constants the Dawn benchmark (tools/dawn/bench.mjs, plain JavaScript) needs, so the benchmark
 * runs the app's WGSL without TypeScript or Vite.
 *
 * shaderSource.ts imports the .wgsl files as Vite `?raw` modules, which Node cannot load; a
 * module hook registered below serves any `…?raw` URL as `export default "<file text>"`, so the
 * composition is shaderSource.ts's own code, not a copy of it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, resolve } from 'node:path';

const rawHook = `
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('?raw')) return nextLoad(url, context);
  const text = readFileSync(fileURLToPath(url.slice(0, -4)), 'utf8');
  return { format: 'module', source: 'export default ' + JSON.stringify(text) + ';', shortCircuit: true };
}
`;
register(`data:text/javascript,${encodeURIComponent(rawHook)}`, import.meta.url);

const out = resolve(process.argv[2] ?? '.gpubench/shaders.json');
const { shaderSources } = await import('../../src/gpu/shaderSource');
const { StepParamsLayout, PAIR_TERMS_VEC4, PARTICLE_BYTES } = await import('../../src/gpu/layout');
const { STEP_WORKGROUP } = await import('../../src/gpu/passes/pairStepPass');
const { STEPS_PER_SUBMIT } = await import('../../src/engine/webgpuBackend');

const gitHead = (() => {
  try {
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'shaders', 'src/gpu'], { encoding: 'utf8' }).trim();
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim() + (dirty ? '+dirty' : '');
  } catch {
    return 'unknown';
  }
})();

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({
  generated: new Date().toISOString(),
  gitHead,
  stepWorkgroup: STEP_WORKGROUP,
  stepsPerSubmit: STEPS_PER_SUBMIT,
  pairTermsVec4: PAIR_TERMS_VEC4,
  particleBytes: PARTICLE_BYTES,
  stepParams: { size: StepParamsLayout.size, fields: StepParamsLayout.fields.map((f) => ({ name: f.name, type: f.type, offset: StepParamsLayout.offsets[f.name] })) },
  shaders: { landauStep: shaderSources.landauStep },
}, null, 1));
console.log(`wrote ${out} (landauStep: ${shaderSources.landauStep.length} chars, WG=${STEP_WORKGROUP}, StepParams ${StepParamsLayout.size} B)`);
