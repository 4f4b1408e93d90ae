// Checks the GEMM micro-kernels outside Swift, so that the arm64 NEON kernel can be tested
// on an x86 machine under qemu: every kernel this CPU runs must match a double-precision
// product to 1e-5 relative and give bits equal to the portable kernel's; `write FILE` saves
// the bits, and `check FILE` (on another architecture) requires the same bits. Run by
// Tests/kernels/run.sh.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "StrataKernels.h"

enum { MAX_DEPTH = 300, WIDTH = 32, MR = STRATA_GEMM_MR };

static uint64_t state = 0x9E3779B97F4A7C15ull;
static float next_value(void) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return (float)((double)(state >> 40) / (double)(1ull << 24) * 2.0 - 1.0);
}

typedef struct {
  long depth, rows, cols;
  int accumulate, in_place;
} gemm_case;

// Runs one case with `kernel` into c (MR × WIDTH, row stride WIDTH).
static void run(int kernel, const gemm_case *t, const float *a, const float *b, float *c) {
  long width = strata_gemm_panel_width(kernel);
  // Packed A: strides (1, MR); in place: row-major with lda = depth.
  long rs = t->in_place ? t->depth : 1, cs = t->in_place ? 1 : MR;
  strata_sgemm_micro(kernel, t->depth, a, rs, cs, b, width, c, WIDTH, t->rows, t->cols,
                     t->accumulate);
}

int main(int argc, char **argv) {
  if (argc != 3 || (strcmp(argv[1], "write") != 0 && strcmp(argv[1], "check") != 0)) {
    fprintf(stderr, "usage: gemm_bits write|check FILE\n");
    return 2;
  }
  int writing = strcmp(argv[1], "write") == 0;
  FILE *file = fopen(argv[2], writing ? "wb" : "rb");
  if (file == NULL) {
    perror(argv[2]);
    return 2;
  }
  const gemm_case cases[] = {
      {1, 6, 16, 0, 0},   {7, 6, 16, 0, 0},   {256, 6, 16, 0, 0}, {300, 6, 16, 1, 0},
      {33, 5, 16, 0, 0},  {33, 1, 3, 0, 0},   {45, 6, 10, 1, 0},  {9, 6, 16, 0, 1},
      {64, 3, 16, 1, 1},  {288, 6, 13, 0, 1}, {2, 4, 1, 1, 0},    {128, 6, 16, 1, 1},
  };
  int kernels[4], count = 0;
  int best = strata_gemm_best_kernel();
  kernels[count++] = STRATA_GEMM_KERNEL_PORTABLE;
  if (best != STRATA_GEMM_KERNEL_PORTABLE) kernels[count++] = best;
  if (best == STRATA_GEMM_KERNEL_AVX512) {
    kernels[count++] = STRATA_GEMM_KERNEL_AVX2;
    kernels[count++] = STRATA_GEMM_KERNEL_AVX512_NARROW;
  }
  static float a[MR * MAX_DEPTH], b[MAX_DEPTH * WIDTH], start[MR * WIDTH];
  static float c[MR * WIDTH], first[MR * WIDTH], saved[MR * WIDTH];
  int failures = 0, compared = 0;
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const gemm_case *t = &cases[i];
    for (long j = 0; j < MR * MAX_DEPTH; j++) a[j] = next_value();
    for (long j = 0; j < MAX_DEPTH * WIDTH; j++) b[j] = next_value();
    for (long j = 0; j < MR * WIDTH; j++) start[j] = next_value();
    for (int k = 0; k < count; k++) {
      memcpy(c, start, sizeof(c));
      run(kernels[k], t, a, b, c);
      long width = strata_gemm_panel_width(kernels[k]);
      for (long r = 0; r < t->rows; r++) {
        for (long j = 0; j < t->cols; j++) {
          double sum = t->accumulate ? start[r * WIDTH + j] : 0, size = fabs(sum);
          for (long p = 0; p < t->depth; p++) {
            double x = t->in_place ? a[r * t->depth + p] : a[p * MR + r];
            sum += x * b[p * width + j];
            size += fabs(x * b[p * width + j]);
          }
          if (fabs(c[r * WIDTH + j] - sum) > 1e-5 * (size + 1e-30)) {
            fprintf(stderr, "case %zu kernel %d: C[%ld][%ld] = %.9g, reference %.9g\n", i,
                    kernels[k], r, j, c[r * WIDTH + j], sum);
            failures++;
          }
        }
        // Columns past `cols` must be untouched.
        for (long j = t->cols; j < WIDTH; j++) {
          if (memcmp(&c[r * WIDTH + j], &start[r * WIDTH + j], sizeof(float)) != 0) {
            fprintf(stderr, "case %zu kernel %d: wrote C[%ld][%ld] past cols\n", i, kernels[k],
                    r, j);
            failures++;
          }
        }
      }
      // B panels are as wide as the kernel's; the 32-wide AVX-512 kernel reads a different
      // B layout, so bits are compared among kernels of one panel width (all but AVX-512 are
      // 16 wide) and across machines on the portable and 16-wide results.
      if (width != 16) continue;
      if (k == 0) {
        memcpy(first, c, sizeof(c));
      } else if (memcmp(first, c, sizeof(c)) != 0) {
        fprintf(stderr, "case %zu: kernel %d's bits differ from the portable kernel's\n", i,
                kernels[k]);
        failures++;
      }
      compared++;
    }
    if (writing) {
      fwrite(first, sizeof(first), 1, file);
    } else if (fread(saved, sizeof(saved), 1, file) != 1 || memcmp(saved, first, sizeof(first))) {
      fprintf(stderr, "case %zu: bits differ from the file's\n", i);
      failures++;
    }
  }
  fclose(file);
  printf("gemm_bits: kernel %d (best) and %d others, %zu cases, %d bit comparisons, %s\n", best,
         count - 1, sizeof(cases) / sizeof(cases[0]), compared,
         failures ? "FAILED" : writing ? "bits written" : "bits equal to the file's");
  return failures ? 1 : 0;
}
