// Step slices (src/gpu/passes/pairStepPass.ts, issue 10): one step's (ceil(N / (WG*PB)), R)
// workgroups may be dispatched as several rectangles, each offset by P.groupBase (columns) and
// P.replicaBase (rows), so that no submission holds more GPU work than the pacing budget. Every
// invocation computes exactly what it computes in the whole dispatch, so a sliced step is
// bit-identical to the unsliced one (tests/gpu/landauShaders.test.ts).
fn globalGroup(sliceWid: vec3u) -> vec3u {
  return vec3u(sliceWid.x + P.groupBase, sliceWid.y + P.replicaBase, sliceWid.z);
}
