/* ey_types.h - the few types every eyesim module shares: result codes, the error
 * buffer that carries a one-line message to main(), and the cycle and word types.
 *
 * Result codes come from one X-macro list (libuv UV_ERRNO_MAP) that generates the
 * enum, ey_rc_name() and ey_strerror(). Non-error outcomes (EY_FULL, EY_DONE) share
 * the list, as SQLITE_ROW and SQLITE_DONE share SQLite's. */
#ifndef EY_TYPES_H
#define EY_TYPES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EY_NAME_MAX 64 /* bytes of a name (an arch, a network, a layer), including the NUL */

typedef uint64_t ey_cycle;        /* a count of core-clock cycles */
#define EY_CYCLE_NEVER UINT64_MAX /* a cycle that never comes, or is not known yet */

/* The three data types every level moves, counted apart everywhere: one enum for
 * the PE's spads, the NoCs, the GLB, DRAM and the reports. */
enum { EY_IFMAP = 0, EY_FILTER = 1, EY_PSUM = 2, EY_NTYPES = 3 };
typedef int32_t ey_word; /* one data value, sign-extended from data.word_bits */

#define EY_RC_MAP(X)                                                \
  X(OK, "success")                                                  \
  X(FULL, "port full; retry next cycle")                            \
  X(DONE, "nothing more to do")                                     \
  X(WAIT, "waiting for a completion from outside")                  \
  X(NOMEM, "out of memory")                                         \
  X(IO, "input/output error")                                       \
  X(SYNTAX, "malformed input file")                                 \
  X(CONFIG, "invalid configuration")                                \
  X(NOMAP, "layer cannot be mapped on this architecture")           \
  X(MISMATCH, "mapping does not match the network or architecture") \
  X(USAGE, "bad command-line usage")                                \
  X(MISUSE, "API misuse")

typedef enum ey_rc {
#define EY__RC_ENUM(name, text) EY_##name,
  EY_RC_MAP(EY__RC_ENUM)
#undef EY__RC_ENUM
      EY_RC_COUNT
} ey_rc;

const char *ey_rc_name(ey_rc rc);  /* "EY_CONFIG"; "EY_?" for an unknown code */
const char *ey_strerror(ey_rc rc); /* "invalid configuration" */

/* The message that travels with a failing rc. Functions that can fail on user
 * input take an ey_err* and fill it with one line: "FILE:LINE: KEY: what was
 * expected (got WHAT)". Only main() prints it. A NULL ey_err* is allowed and
 * discards the message. */
#define EY_ERR_MAX 512 /* bytes, including the NUL */
typedef struct ey_err {
  char msg[EY_ERR_MAX];
} ey_err;

/* Formats into err->msg (truncating) and returns rc, so callers can write
 * `return ey_err_set(err, EY_CONFIG, "%s:%d: ...", ...);`. */
ey_rc ey_err_set(ey_err *err, ey_rc rc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#define EY_MIN(a, b) ((a) < (b) ? (a) : (b))
#define EY_MAX(a, b) ((a) > (b) ? (a) : (b))
#define EY_CEIL_DIV(a, b) (((a) + (b)-1) / (b))

#ifdef __cplusplus
}
#endif
#endif /* EY_TYPES_H */
