#!/usr/bin/env bash
# The C kernels on arm64, from an x86 machine: compiles every kernel for aarch64 with the
# toolchain's clang (warnings are errors), then runs gemm_bits.c natively (every x86 GEMM
# kernel against a double-precision product and bit-equal to the portable one, bits written
# to a file) and under qemu-aarch64 (the NEON kernel: the same checks, and the same bits as
# the x86 file). Installs Debian's gcc-aarch64-linux-gnu and qemu-user when they are missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v aarch64-linux-gnu-gcc > /dev/null || ! command -v qemu-aarch64 > /dev/null; then
  echo "installing gcc-aarch64-linux-gnu and qemu-user"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-aarch64-linux-gnu \
    libc6-dev-arm64-cross qemu-user > /dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
include=Sources/StrataKernels/include
for source in Sources/StrataKernels/*.c; do
  clang --target=aarch64-linux-gnu -isystem /usr/aarch64-linux-gnu/include -O2 -std=gnu11 \
    -Wall -Wextra -Werror -I "$include" -c "$source" -o "$work/$(basename "$source").o"
done
echo "every kernel compiles for aarch64 without warnings"
clang -O2 -std=gnu11 -I "$include" Tests/kernels/gemm_bits.c Sources/StrataKernels/gemm_kernel.c \
  -lm -o "$work/gemm_bits"
"$work/gemm_bits" write "$work/bits"
aarch64-linux-gnu-gcc -O2 -std=gnu11 -static -I "$include" Tests/kernels/gemm_bits.c \
  Sources/StrataKernels/gemm_kernel.c -lm -o "$work/gemm_bits_arm64"
qemu-aarch64 "$work/gemm_bits_arm64" check "$work/bits"
