/* fuzz_npy.c - the .npy reader (int16 and float32, headers v1 to v3). */
#include <stdlib.h>

#include "tests/fuzz/fuzz_util.h"
#include "traces/npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ey_npy a;
  ey_err err;
  if (!ey_npy_read(ey_fuzz_file(data, size, ".npy"), 100.0, &a, &err)) {
    uint64_t n =
        (uint64_t)a.shape[0] * (uint64_t)a.shape[1] * (uint64_t)a.shape[2] * (uint64_t)a.shape[3];
    if (n != a.count) abort();
    volatile int16_t sink = 0;
    for (uint64_t i = 0; i < a.count; i++) sink ^= a.data[i]; /* every value is there */
    (void)sink;
  }
  ey_npy_free(&a);
  return 0;
}
