// Evaluates the generator on given inputs: used by the test that compares the WGSL and
// TypeScript integer streams bit for bit, and their normals. Prepended: rng.wgsl.

@group(0) @binding(0) var<storage, read> inputs: array<vec4u>;       // (seed, counter, pairWord, streamWord)
@group(0) @binding(1) var<storage, read_write> words: array<vec4u>;  // draw4(inputs[k])
@group(0) @binding(2) var<storage, read_write> gauss: array<vec4f>;  // normals4(words[k])

@compute @workgroup_size(64)
fn rngStream(@builtin(global_invocation_id) gid: vec3u) {
  let k = gid.x;
  if (k >= arrayLength(&inputs)) { return; }
  let q = inputs[k];
  let w = draw4(q.x, q.y, q.z, q.w);
  words[k] = w;
  gauss[k] = normals4(w);
}
