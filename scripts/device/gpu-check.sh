#!/usr/bin/env bash
# The GPU check on a lent GPU machine (no Node.js, no registry): unpacks .device-pack/pack.tar.xz
# (made HERE by `node --import tsx scripts/device/prepare.ts`), looks at the Vulkan driver, then runs
# packages/runtime/device/gpu-check.ts (bundled) with the carried Node.js: webgpu training of the
# Fashion VAE (one full epoch, real data) and the faces VAE (20 steps at batch 128), decoding on
# onnxruntime-node's WebGPU provider, and the same networks in PyTorch on CUDA. Report: $OUT (or
# ./gpu-check-out)/report.{json,txt}, vulkan.txt. Must finish in ~8 minutes on a GPU: the check stops
# itself after GPU_CHECK_TIMEOUT seconds (default 450).
#
# usage: bash scripts/device/gpu-check.sh [--dry-run] [extra gpu-check.mjs flags, e.g. --vae-steps 50]
#   --dry-run: software adapter (SwiftShader from chromium) and small counts, to test the recipe here.
#   PYTHON: the python with torch (default python3); GPU_CHECK_TIMEOUT: seconds (default 450).
set -euo pipefail
cd "$(dirname "$0")/../.."
pack=.device-pack/pack.tar.xz
out=${OUT:-$PWD/gpu-check-out}
work=${TMPDIR:-/tmp}/latentkit-gpu-check
[ -f "$pack" ] || { echo "no $pack: run 'node --import tsx scripts/device/prepare.ts' first (on a machine with pnpm install done)" >&2; exit 2; }
mkdir -p "$out"
rm -rf "$work" && mkdir -p "$work"
if command -v xz >/dev/null; then tar -C "$work" -xJf "$pack"
else python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1], "r:xz").extractall(sys.argv[2])' "$pack" "$work"; fi
data="$work/data/fashion-train.u8"
if command -v xz >/dev/null; then xz -d "$data.xz"
else python3 -c 'import lzma, sys; open(sys.argv[1], "wb").write(lzma.decompress(open(sys.argv[1] + ".xz", "rb").read()))' "$data"; fi

# Vulkan: the machine's loader if it has one, else the carried one. NVIDIA's Vulkan driver lives in
# libGLX_nvidia.so.0; containers started without the "graphics" capability have the library but no
# ICD manifest, so write one if the library is there and no manifest names it.
if [ "${1:-}" = "--dry-run" ] && [ -z "${VK_ICD_FILENAMES:-}" ] && [ -f /usr/lib/chromium/vk_swiftshader_icd.json ]; then
  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json   # software adapter for the dry run
fi
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 '; then export LD_LIBRARY_PATH="$work/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
{
  echo "== nvidia-smi"; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 || true
  echo "== ICD manifests"; ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d 2>&1 || true
  echo "== libGLX_nvidia"; ldconfig -p 2>/dev/null | grep -E 'libGLX_nvidia|libnvidia-gpucomp|libvulkan' || true
} > "$out/vulkan.txt"
if [ "${1:-}" != "--dry-run" ] && [ -z "${VK_ICD_FILENAMES:-}" ] && ! ls /usr/share/vulkan/icd.d/nvidia* /etc/vulkan/icd.d/nvidia* >/dev/null 2>&1; then
  glx=$(ldconfig -p 2>/dev/null | awk '/libGLX_nvidia.so.0 /{print $NF; exit}')
  if [ -n "$glx" ]; then
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$glx" > "$work/nvidia_icd.json"
    export VK_ICD_FILENAMES="$work/nvidia_icd.json"
    echo "== wrote $work/nvidia_icd.json for $glx" >> "$out/vulkan.txt"
  fi
fi
if command -v vulkaninfo >/dev/null; then { echo "== vulkaninfo --summary"; timeout 30 vulkaninfo --summary 2>&1 | head -60; } >> "$out/vulkan.txt" || true; fi
cat "$out/vulkan.txt"

status=0
limit=${GPU_CHECK_TIMEOUT:-450}
timeout "$limit" "$work/bin/node" "$work/app/gpu-check.mjs" --data "$data" \
  --torch "$work/app/torch_reference.py" --python "${PYTHON:-python3}" --out "$out" "$@" || status=$?
[ "$status" = 124 ] && echo "gpu-check: stopped after $limit s (GPU_CHECK_TIMEOUT)" >&2
exit "$status"
