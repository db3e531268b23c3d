#!/usr/bin/env bash
# Runs the Dawn benchmark on a bare Linux x86-64 machine with an NVIDIA GPU and driver but no
# Node.js and no Vulkan loader (how the project's remote H100 was used; see README.md here).
# Expects, from the repository root: .gpubench/node.xz (an xz-compressed x86-64 `node` binary),
# .gpubench/webgpu/ (index.js, package.json, dist/linux-x64/dawn.node of the webgpu package),
# .gpubench/shaders.json (exportShaders.ts), .gl/*.deb (libvulkan1 and the GL loaders).
# Writes results to $OUT (default ./.gpubench/out).
#   bash tools/dawn/device.sh [main|all]
set -u -o pipefail
OUT=${OUT:-.gpubench/out}
mkdir -p "$OUT"
what=${1:-all}

. tools/dawn/setup.sh
nvidia-smi -L
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,power.limit --format=csv
/tmp/node --version

bench() { # name, then bench.mjs options
  local name=$1; shift
  echo "=== $name: $*"
  timeout 400 /tmp/node tools/dawn/bench.mjs --backend vulkan --expect-vendor nvidia --json "$OUT/$name.json" "$@" 2>&1 | tee "$OUT/$name.txt"
}

bench results --seconds 1
rc=$?
if [ ! -f "$OUT/results.json" ]; then # no JSON: no NVIDIA adapter, or a crash (exit 1 with JSON = a check failed)
  echo "=== diagnostics (exit $rc)"
  ls -la /usr/local/nvidia/share/vulkan/icd.d/ /usr/share/vulkan/icd.d/ /etc/vulkan/icd.d/ 2>&1
  ldconfig -p | grep -i -E 'vulkan|nvidia' | head -20
  command -v vulkaninfo && vulkaninfo --summary 2>&1 | head -40
  VK_LOADER_DEBUG=error,warn /tmp/node -e "import('./.gpubench/webgpu/index.js').then(({create})=>{const g=create(['backend=vulkan','adapter=list']);return g.requestAdapter()}).then(a=>console.log(a?.info),e=>console.log(String(e)))" 2>&1 | head -40
  exit $rc
fi
[ "$what" = main ] && exit 0
# Workgroup size (the tile length) and the Philox generator, beside the app's WG=128 / pcg4d.
bench wg --n 16384,65536 --wg 64,256 --noise nanbu,fgm --gamma=-3 --seconds 0.5
bench philox --n 16384,65536 --noise fgm,kac --gamma=-3 --rng philox --seconds 0.5
exit 0
