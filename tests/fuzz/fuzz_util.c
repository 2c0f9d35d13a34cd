/* fuzz_util.c - the harnesses' input file. */
#include "tests/fuzz/fuzz_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *ey_fuzz_file(const uint8_t *data, size_t size, const char *suffix) {
  static char path[256];
  if (!path[0]) {
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/eyesim-fuzz-%ld%s", dir && *dir ? dir : "/tmp", (long)getpid(),
             suffix);
  }
  FILE *f = fopen(path, "wb");
  if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f)) {
    perror(path);
    abort();
  }
  return path;
}
