/* rc.c - names and texts of the result codes, and the error-message setter. */
#include <stdarg.h>
#include <stdio.h>

#include "sim/base/ey_types.h"

const char *ey_rc_name(ey_rc rc) {
  switch (rc) {
#define EY__RC_NAME(name, text) \
  case EY_##name:               \
    return "EY_" #name;
    EY_RC_MAP(EY__RC_NAME)
#undef EY__RC_NAME
    default:
      return "EY_?";
  }
}

const char *ey_strerror(ey_rc rc) {
  switch (rc) {
#define EY__RC_TEXT(name, text) \
  case EY_##name:               \
    return text;
    EY_RC_MAP(EY__RC_TEXT)
#undef EY__RC_TEXT
    default:
      return "unknown result code";
  }
}

ey_rc ey_err_set(ey_err *err, ey_rc rc, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
  }
  return rc;
}
