/* bench-conv.c - the yardstick of scripts/bench: AlexNet CONV1-5, grouped as the
 * Eyeriss chip ran it, computed with plain loops at batch N (int16 data, int32
 * accumulators, the innermost loop unit-stride so the compiler vectorizes it). A
 * simulator that moves the same data through a PE array cannot beat this; eyesim's
 * time over it, measured on the same machine in the same run, is a speed figure
 * that does not depend on the machine.
 *
 * Build: cc -O3 -march=native -o bench-conv bench-conv.c
 * Run:   ./bench-conv [N]   prints "seconds MACs checksum" (N defaults to 4). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct conv {
  int C, M, HW, K, stride, pad, groups;
} conv;

/* ISSCC 2016's AlexNet: CONV1 11x11/4 on 227x227, CONV2 5x5 pad 2 in two groups,
 * CONV3-5 3x3 pad 1 (CONV4-5 in two groups). */
static const conv k_alexnet[5] = {{3, 96, 227, 11, 4, 0, 1},
                                  {96, 256, 27, 5, 1, 2, 2},
                                  {256, 384, 13, 3, 1, 1, 1},
                                  {384, 384, 13, 3, 1, 1, 2},
                                  {384, 256, 13, 3, 1, 1, 2}};

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv) {
  const int N = argc > 1 ? atoi(argv[1]) : 4;
  if (N < 1 || N > 1024) {
    fprintf(stderr, "bench-conv: batch must be 1 to 1024\n");
    return 2;
  }
  double spent = 0, macs = 0;
  uint64_t check = 0;
  for (int l = 0; l < 5; l++) {
    const conv *L = &k_alexnet[l];
    const int P = L->HW + 2 * L->pad;         /* padded side */
    const int E = (P - L->K) / L->stride + 1; /* output side */
    const int Cg = L->C / L->groups, Mg = L->M / L->groups;
    int16_t *in = calloc((size_t)N * L->C * P * P, sizeof *in);
    int16_t *w = malloc((size_t)L->M * Cg * L->K * L->K * sizeof *w);
    int32_t *out = calloc((size_t)N * L->M * E * E, sizeof *out);
    int16_t *tap = malloc((size_t)E * sizeof *tap); /* one strided row, gathered */
    if (!in || !w || !out || !tap) return 1;
    uint32_t seed = 12345u + (uint32_t)l;
    for (int n = 0; n < N; n++)
      for (int c = 0; c < L->C; c++)
        for (int y = L->pad; y < L->pad + L->HW; y++)
          for (int x = L->pad; x < L->pad + L->HW; x++) {
            seed = seed * 1103515245u + 12345u;
            in[(((size_t)n * L->C + c) * P + y) * P + x] = (int16_t)(seed >> 25); /* 0..127 */
          }
    for (size_t i = 0; i < (size_t)L->M * Cg * L->K * L->K; i++) {
      seed = seed * 1103515245u + 12345u;
      w[i] = (int16_t)((int)(seed >> 24) - 128);
    }
    const double t0 = seconds();
    for (int n = 0; n < N; n++)
      for (int m = 0; m < L->M; m++) {
        const int g = m / Mg;
        for (int c = 0; c < Cg; c++)
          for (int r = 0; r < L->K; r++)
            for (int s = 0; s < L->K; s++) {
              const int32_t wv = w[(((size_t)m * Cg + c) * L->K + r) * L->K + s];
              for (int e = 0; e < E; e++) {
                const int16_t *row =
                    in + (((size_t)n * L->C + g * Cg + c) * P + e * L->stride + r) * P + s;
                int32_t *o = out + (((size_t)n * L->M + m) * E + e) * E;
                const int16_t *src = row;
                if (L->stride > 1) {
                  for (int f = 0; f < E; f++) tap[f] = row[f * L->stride];
                  src = tap;
                }
                for (int f = 0; f < E; f++) o[f] += wv * src[f];
              }
            }
      }
    spent += seconds() - t0;
    macs += (double)N * L->M * Cg * L->K * L->K * E * E;
    for (size_t i = 0; i < (size_t)N * L->M * E * E; i++) check = check * 31u + (uint32_t)out[i];
    free(in);
    free(w);
    free(out);
    free(tap);
  }
  printf("%.3f %.0f %llu\n", spent, macs, (unsigned long long)check);
  return 0;
}
