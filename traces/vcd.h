/* vcd.h - a Value Change Dump writer (IEEE 1364 VCD, as GTKWave reads it): scopes,
 * vector variables, and only the values that change, at times in picoseconds. */
#ifndef EY_VCD_H
#define EY_VCD_H

#include <stdio.h>

#include "sim/base/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ey_vcd ey_vcd; /* opaque */

/* Starts a dump on f (the caller makes the file appear whole). NULL: no memory. */
ey_vcd *ey_vcd_open(FILE *f);
void ey_vcd_scope(ey_vcd *v, const char *name);
void ey_vcd_upscope(ey_vcd *v);
/* Declares a `width`-bit variable in the current scope; returns its handle. */
int ey_vcd_var(ey_vcd *v, int width, const char *name);
void ey_vcd_enddefs(ey_vcd *v);
/* Sets variable `h` at time `ps`; written only when it changes (times must not go
 * back). */
void ey_vcd_set(ey_vcd *v, uint64_t ps, int h, uint64_t value);
/* Frees v; EY_IO when a write failed. */
ey_rc ey_vcd_close(ey_vcd *v);

#ifdef __cplusplus
}
#endif
#endif /* EY_VCD_H */
