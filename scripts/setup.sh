#!/usr/bin/env bash
# Installs mtbench's build and run-time dependencies from Debian bookworm packages.
# Idempotent: packages already installed are left alone and nothing is printed for them.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ninja-build
  libgtest-dev libgmock-dev
  libboost-dev libboost-iostreams-dev libboost-filesystem-dev
  libicu-dev libcli11-dev nlohmann-json3-dev libfmt-dev libyaml-cpp-dev
  libsentencepiece-dev libcurl4-openssl-dev zlib1g-dev
  dict-freedict-deu-eng dict-freedict-fra-eng dict-freedict-eng-fra dict-freedict-ces-eng dict-freedict-eng-ces
  dict-freedict-eng-deu
  # LibTorch (CPU) for the neural systems; OpenBLAS makes its matrix products ~15x faster
  # than the reference BLAS that Debian's LibTorch otherwise uses.
  libtorch-dev libopenblas0-openmp
  # Gloo's headers: torch.distributed's ProcessGroupGloo (data-parallel training) includes them.
  libgloo-dev
  # scripts/sanitize.sh: clang with libFuzzer and its sanitizers, OpenMP for clang.
  clang libclang-rt-14-dev libomp-14-dev
)
if [[ "${MTBENCH_WITH_BROWSER:-1}" == "1" ]]; then
  packages+=(chromium)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "setup: installing ${#missing[@]} package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
