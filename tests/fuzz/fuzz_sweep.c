/* fuzz_sweep.c - the sweep-spec loader (sim/sweep's public entry point only),
 * with the shipped configs as the place its networks and architectures live. */
#include "sim/sweep/sweep.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ey_sweep sw;
  ey_err err;
  (void)ey_sweep_load(ey_fuzz_file(data, size, ".yaml"), EY_SRC_DIR "/configs", &sw, &err);
  ey_sweep_free(&sw);
  return 0;
}
