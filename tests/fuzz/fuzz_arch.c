/* fuzz_arch.c - the architecture loader. A file that loads must also survive the
 * round trip through `eyesim config` (the YAML echo) and load the same. */
#define _GNU_SOURCE /* open_memstream */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/config/config.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ey_arch a;
  ey_err err;
  if (ey_arch_load(ey_fuzz_file(data, size, ".yaml"), &a, &err)) return 0;
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) abort();
  ey_schema_write_yaml(ey_arch_schema(), &a, f, 0);
  fclose(f);
  ey_arch b;
  if (ey_arch_load_string("echo.yaml", text, &b, &err)) {
    fprintf(stderr, "the echo of a loaded architecture does not load: %s\n%s", err.msg, text);
    abort();
  }
  for (int i = 0; i < ey_arch_schema()->n; i++) {
    char x[128], y[128];
    ey_schema_format(ey_arch_schema(), i, &a, x, sizeof x);
    ey_schema_format(ey_arch_schema(), i, &b, y, sizeof y);
    if (strcmp(x, y)) {
      fprintf(stderr, "%s: %s loads back as %s\n", ey_arch_schema()->params[i].key, x, y);
      abort();
    }
  }
  free(text);
  return 0;
}
