/* fuzz_actrace.c - the activation-trace reader (gzip or plain), then every tensor
 * decoded the way `eyesim trace decode` and `run --activations` do. */
#include <stdlib.h>

#include "tests/fuzz/fuzz_util.h"
#include "traces/actrace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ey_act_trace tr;
  ey_err err;
  if (!ey_act_load(ey_fuzz_file(data, size, ".trace"), &tr, &err)) {
    for (int k = 0; k < tr.n; k++) {
      const ey_act_tensor *t = &tr.t[k];
      if (ey_act_find(&tr, t->name) != t) abort();
      uint64_t n = (uint64_t)t->shape[0] * (uint64_t)t->shape[1] * (uint64_t)t->shape[2] *
                   (uint64_t)t->shape[3];
      if (n > EY_TENSOR_MAX_VALUES) abort(); /* the loader's promise */
      int16_t *v = malloc(sizeof *v * (size_t)n);
      if (!v) abort();
      if (ey_act_decode(&tr, t, v, &err)) abort(); /* it decoded at load */
      free(v);
    }
  }
  ey_act_free(&tr);
  return 0;
}
