/* fuzz_npy.c - the .npy readers (into int16: int16 and float32; into int32:
 * int32 and float32; headers v1 to v3). */
#include <stdlib.h>

#include "tests/fuzz/fuzz_util.h"
#include "traces/npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = ey_fuzz_file(data, size, ".npy");
  ey_npy a;
  ey_err err;
  if (!ey_npy_read(path, 100.0, &a, &err)) {
    uint64_t n =
        (uint64_t)a.shape[0] * (uint64_t)a.shape[1] * (uint64_t)a.shape[2] * (uint64_t)a.shape[3];
    if (n != a.count) abort();
    volatile int16_t sink = 0;
    for (uint64_t i = 0; i < a.count; i++) sink ^= a.data[i]; /* every value is there */
    (void)sink;
  }
  ey_npy_free(&a);
  ey_npy32 b;
  if (!ey_npy_read_i32(path, 100.0, &b, &err)) {
    uint64_t n =
        (uint64_t)b.shape[0] * (uint64_t)b.shape[1] * (uint64_t)b.shape[2] * (uint64_t)b.shape[3];
    if (n != b.count || b.ndim < 1 || b.ndim > 4) abort();
    volatile int32_t sink = 0;
    for (uint64_t i = 0; i < b.count; i++) sink ^= b.data[i];
    (void)sink;
  }
  ey_npy32_free(&b);
  return 0;
}
