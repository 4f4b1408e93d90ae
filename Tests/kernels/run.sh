#!/usr/bin/env bash
# The C kernels on arm64, from an x86 machine: compiles every kernel for aarch64 with the
# toolchain's clang (warnings are errors), then runs gemm_bits.c natively (every x86 GEMM
# kernel against a double-precision product and bit-equal to the portable one, bits written
# to a file) and under qemu-aarch64 (the NEON kernel: the same checks, and the same bits as
# the x86 file); then kernel_bits.c (every other vector kernel: optimizers, batch norm,
# element-wise, transcendental, recurrent cells, Bernoulli draws) under each x86 kernel choice
# and under qemu, where clang compiles the same loops to NEON, requiring the same bits.
# Installs Debian's gcc-aarch64-linux-gnu and qemu-user when they are missing.
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

# The other kernels, compiled by clang as SwiftPM compiles them (their `#pragma clang fp
# contract(off)` keeps a·b + c unfused on arm64, where FMA is baseline; GCC ignores the
# pragma). The driver itself is built with -ffp-contract=off so that its inputs match too.
kernels="optimizer_kernels batch_norm_kernels elementwise_kernels transcendental_kernels
  recurrent_kernels random_kernels gemm_kernel"
clang -O2 -std=gnu11 -ffp-contract=off -I "$include" Tests/kernels/kernel_bits.c \
  $(for k in $kernels; do echo "Sources/StrataKernels/$k.c"; done) -lm -o "$work/kernel_bits"
"$work/kernel_bits" write "$work/kernel-bits"
STRATA_GEMM_KERNEL=avx2 "$work/kernel_bits" check "$work/kernel-bits"
STRATA_GEMM_KERNEL=portable "$work/kernel_bits" check "$work/kernel-bits"
clang --target=aarch64-linux-gnu -isystem /usr/aarch64-linux-gnu/include -O2 -std=gnu11 \
  -ffp-contract=off -Wall -Wextra -Werror -I "$include" -c Tests/kernels/kernel_bits.c \
  -o "$work/kernel_bits.o"
aarch64-linux-gnu-gcc -static "$work/kernel_bits.o" \
  $(for k in $kernels; do echo "$work/$k.c.o"; done) -lm -o "$work/kernel_bits_arm64"
qemu-aarch64 "$work/kernel_bits_arm64" check "$work/kernel-bits"
