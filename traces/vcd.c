/* vcd.c - Value Change Dump output. */
#include "traces/vcd.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

typedef struct var {
  int width;
  uint64_t value;
  int known; /* written at least once */
} var;

struct ey_vcd {
  FILE *f;
  var *vars;
  int n, cap;
  uint64_t now; /* the last "#time" written */
  int timed;    /* a "#time" has been written */
};

/* Identifier codes: base 94 over the printable characters '!' to '~'. */
static void put_id(FILE *f, int h) {
  do {
    fputc('!' + h % 94, f);
    h /= 94;
  } while (h);
}

ey_vcd *ey_vcd_open(FILE *f) {
  ey_vcd *v = calloc(1, sizeof *v);
  if (!v) return NULL;
  v->f = f;
  fputs("$version eyesim " EY_VERSION_STRING " $end\n$timescale 1 ps $end\n", f);
  return v;
}

void ey_vcd_scope(ey_vcd *v, const char *name) {
  fprintf(v->f, "$scope module %s $end\n", name);
}
void ey_vcd_upscope(ey_vcd *v) {
  fputs("$upscope $end\n", v->f);
}

int ey_vcd_var(ey_vcd *v, int width, const char *name) {
  if (v->n == v->cap) {
    int cap = v->cap ? 2 * v->cap : 256;
    var *nv = realloc(v->vars, sizeof *nv * (size_t)cap);
    if (!nv) return -1;
    v->vars = nv;
    v->cap = cap;
  }
  var *x = &v->vars[v->n];
  x->width = width;
  x->value = 0;
  x->known = 0;
  fprintf(v->f, "$var %s %d ", width == 1 ? "wire" : "reg", width);
  put_id(v->f, v->n);
  fprintf(v->f, " %s $end\n", name);
  return v->n++;
}

void ey_vcd_enddefs(ey_vcd *v) {
  fputs("$enddefinitions $end\n", v->f);
}

void ey_vcd_set(ey_vcd *v, uint64_t ps, int h, uint64_t value) {
  if (h < 0) return;
  var *x = &v->vars[h];
  if (x->known && x->value == value) return;
  if (!v->timed || ps != v->now) {
    fprintf(v->f, "#%" PRIu64 "\n", ps);
    v->now = ps;
    v->timed = 1;
  }
  x->value = value;
  x->known = 1;
  if (x->width == 1) {
    fputc(value ? '1' : '0', v->f);
  } else {
    fputc('b', v->f);
    int top = 63;
    while (top > 0 && !(value >> top & 1)) top--;
    for (int b = top; b >= 0; b--) fputc('0' + (int)(value >> b & 1), v->f);
    fputc(' ', v->f);
  }
  put_id(v->f, h);
  fputc('\n', v->f);
}

ey_rc ey_vcd_close(ey_vcd *v) {
  /* The flush retries what is buffered, so errno says why writing failed. */
  errno = 0;
  int bad = fflush(v->f) != 0;
  const int e = errno;
  bad |= ferror(v->f) != 0;
  free(v->vars);
  free(v);
  errno = e;
  return bad ? EY_IO : EY_OK;
}
