#!/usr/bin/env bash
# Installs the Debian packages Heron's build, tests, fuzzers and benchmarks
# need — only the missing ones, and only then touches apt (so a machine that
# has everything runs no apt at all). Needs root (or sudo) when something is
# missing.
set -euo pipefail

packages=(
  cmake ninja-build g++ clang-14 lld-14
  libgtest-dev libgmock-dev libbenchmark-dev
  libfmt-dev libcli11-dev libzstd-dev
  libasmjit-dev libzydis-dev
  wabt wasi-libc libclang-rt-14-dev-wasm32
  libc++-14-dev-wasm32 libc++abi-14-dev-wasm32 libtbb-dev nodejs
  python3 gdb
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg -s "$p" >/dev/null 2>&1; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
