#!/usr/bin/env bash
# A/B of two shader exports on an NVIDIA GPU (setup as tools/dawn/device.sh): nanbu, N = 16384
# and 65536, γ = −3 and 0, three interleaved rounds. Prepare, here:
#   git stash; npx tsx tools/dawn/exportShaders.ts .gpubench/shaders_A.json; git stash pop
#   npx tsx tools/dawn/exportShaders.ts .gpubench/shaders_B.json
# then, on the GPU machine: OUT=dir bash tools/dawn/ab.sh. Both exports must declare the same
# override constants that bench.mjs passes (it passes FULL_TILES since 2026-11-22).
set -u
mkdir -p "${OUT:-.gpubench/out}"
. tools/dawn/setup.sh
nvidia-smi -L
for k in 1 2 3; do
  for v in A B; do
    echo "=== $v round $k"
    timeout 200 /tmp/node tools/dawn/bench.mjs --backend vulkan --expect-vendor nvidia --shaders .gpubench/shaders_$v.json --noise nanbu --n 16384,65536 --gamma=-3,0 --seconds 0.7 --json "${OUT:-.gpubench/out}/$v$k.json" 2>&1 | grep -v "^\s*$" | tail -12 | tee "${OUT:-.gpubench/out}/$v$k.txt"
  done
done
