/* json.c - streaming JSON writer. */
#include "sim/base/json.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>

void ey_json_init(ey_json *j, FILE *f) {
  j->f = f;
  j->depth = 0;
  j->count[0] = 0;
  j->compact = 0;
}

void ey_json_init_compact(ey_json *j, FILE *f) {
  ey_json_init(j, f);
  j->compact = 1;
}

static void indent(ey_json *j) {
  for (int i = 0; i < j->depth; i++) fputs("  ", j->f);
}

static void put_string(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
      case '"':
        fputs("\\\"", f);
        break;
      case '\\':
        fputs("\\\\", f);
        break;
      case '\n':
        fputs("\\n", f);
        break;
      case '\t':
        fputs("\\t", f);
        break;
      case '\r':
        fputs("\\r", f);
        break;
      default:
        if (*p < 0x20)
          fprintf(f, "\\u%04x", *p);
        else
          fputc(*p, f);
    }
  }
  fputc('"', f);
}

/* Comma, newline and indentation before a member, then "key": when given. */
static void member(ey_json *j, const char *key) {
  if (j->depth > 0) {
    if (j->count[j->depth]++) fputc(',', j->f);
    if (!j->compact) {
      fputc('\n', j->f);
      indent(j);
    }
  }
  if (key) {
    put_string(j->f, key);
    fputs(j->compact ? ":" : ": ", j->f);
  }
}

static void nest_open(ey_json *j, const char *key, char c) {
  member(j, key);
  fputc(c, j->f);
  assert(j->depth + 1 < EY_JSON_MAX_DEPTH);
  j->count[++j->depth] = 0;
}

static void nest_close(ey_json *j, char c) {
  int had = j->count[j->depth];
  assert(j->depth > 0);
  j->depth--;
  if (had && !j->compact) {
    fputc('\n', j->f);
    indent(j);
  }
  fputc(c, j->f);
}

void ey_json_obj_begin(ey_json *j, const char *key) {
  nest_open(j, key, '{');
}
void ey_json_obj_end(ey_json *j) {
  nest_close(j, '}');
}
void ey_json_arr_begin(ey_json *j, const char *key) {
  nest_open(j, key, '[');
}
void ey_json_arr_end(ey_json *j) {
  nest_close(j, ']');
}

void ey_json_str(ey_json *j, const char *key, const char *v) {
  member(j, key);
  put_string(j->f, v);
}

void ey_json_int(ey_json *j, const char *key, int64_t v) {
  member(j, key);
  fprintf(j->f, "%" PRId64, v);
}

void ey_json_uint(ey_json *j, const char *key, uint64_t v) {
  member(j, key);
  fprintf(j->f, "%" PRIu64, v);
}

void ey_json_real(ey_json *j, const char *key, double v) {
  member(j, key);
  if (isfinite(v))
    fprintf(j->f, "%.10g", v);
  else
    fputs("null", j->f);
}

void ey_json_bool(ey_json *j, const char *key, int v) {
  member(j, key);
  fputs(v ? "true" : "false", j->f);
}

void ey_json_raw(ey_json *j, const char *key, const char *text) {
  member(j, key);
  fputs(text, j->f);
}

void ey_json_finish(ey_json *j) {
  fputc('\n', j->f);
}

int ey_json_is_number(const char *s) {
  /* -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?  (RFC 8259, section 6) */
  if (*s == '-') s++;
  if (*s == '0')
    s++;
  else if (*s >= '1' && *s <= '9')
    while (*s >= '0' && *s <= '9') s++;
  else
    return 0;
  if (*s == '.') {
    s++;
    if (!(*s >= '0' && *s <= '9')) return 0;
    while (*s >= '0' && *s <= '9') s++;
  }
  if (*s == 'e' || *s == 'E') {
    s++;
    if (*s == '+' || *s == '-') s++;
    if (!(*s >= '0' && *s <= '9')) return 0;
    while (*s >= '0' && *s <= '9') s++;
  }
  return *s == '\0';
}
