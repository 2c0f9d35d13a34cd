/* fuzz_util.h - what the libFuzzer harnesses share: every eyesim loader reads a
 * file by path, so each input is written to one temporary file per process. */
#ifndef EY_FUZZ_UTIL_H
#define EY_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#ifndef EY_SRC_DIR
#define EY_SRC_DIR "."
#endif

/* The path of a file that now holds data[0..size); the same path every call, with
 * `suffix` (".yaml", ".npy", ...) on the first. Aborts when it cannot write. */
const char *ey_fuzz_file(const uint8_t *data, size_t size, const char *suffix);

#endif /* EY_FUZZ_UTIL_H */
