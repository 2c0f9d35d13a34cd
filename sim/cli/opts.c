/* opts.c - a table-driven option parser and the --help it prints. */
#include "sim/cli/opts.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { HELP_COLUMN = 18 }; /* "  --activations FILE replay ..." */

int ey_opt_list_add(ey_opt_list *l, const char *s) {
  if (l->n == l->cap) {
    if (l->cap == INT_MAX) return -1;
    int cap = !l->cap ? 8 : l->cap > INT_MAX / 2 ? INT_MAX : 2 * l->cap;
    if ((size_t)cap > SIZE_MAX / sizeof *l->v) return -1;
    const char **v = realloc(l->v, sizeof *v * (size_t)cap);
    if (!v) return -1;
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = s;
  return 0;
}

void ey_opt_list_free(ey_opt_list *l) {
  free(l->v);
  l->v = NULL;
  l->n = l->cap = 0;
}

static int takes(const ey_opt_cmd *c, const ey_opt *o) {
  return (o->cmds & c->cmd) != 0;
}

static const ey_opt *find_long(const ey_opt_cmd *c, const char *name, size_t len) {
  for (int k = 0; k < c->nopts; k++) {
    const ey_opt *o = &c->opts[k];
    if (o->name && takes(c, o) && strlen(o->name) == len && !strncmp(o->name, name, len)) return o;
  }
  return NULL;
}

static const ey_opt *find_short(const ey_opt_cmd *c, char ch) {
  for (int k = 0; k < c->nopts; k++)
    if (c->opts[k].short_name == ch && takes(c, &c->opts[k])) return &c->opts[k];
  return NULL;
}

/* The name errors give an option: its short spelling when it has one ("-j"). */
static const char *shown(const ey_opt *o, char *buf, size_t cap) {
  if (!o->short_name) return o->name;
  snprintf(buf, cap, "-%c", o->short_name);
  return buf;
}

/* What a value of o must be, for its error. */
static const char *expectation(const ey_opt *o, char *buf, size_t cap) {
  if (o->expect) return o->expect;
  switch (o->kind) {
    case EY_OPT_INT:
      snprintf(buf, cap, "must be an integer from %lld to %lld", (long long)o->lo,
               (long long)o->hi);
      break;
    case EY_OPT_U64:
      snprintf(buf, cap, "must be a non-negative integer");
      break;
    case EY_OPT_REAL:
      if (o->lo_open && isinf(o->hi))
        snprintf(buf, cap, "must be a number above %g", o->lo);
      else
        snprintf(buf, cap, "must be a number from %g to %g", o->lo, o->hi);
      break;
    case EY_OPT_CHOICE: {
      int n = 0;
      while (o->choices[n].name) n++;
      size_t len = (size_t)snprintf(buf, cap, "must be %s", n > 2 ? "one of " : "");
      for (int k = 0; k < n && len < cap; k++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s",
                                k == 0  ? ""
                                : n > 2 ? ", "
                                        : " or ",
                                o->choices[k].name);
      break;
    }
    default:
      snprintf(buf, cap, "is not valid");
  }
  return buf;
}

static int read_int(const ey_opt *o, const char *s, int *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (end == s || *end || errno || v < o->lo || v > o->hi) return -1;
  *out = (int)v;
  return 0;
}

static int read_u64(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  if (!isdigit((unsigned char)s[0])) return -1;
  unsigned long long v = strtoull(s, &end, 10);
  if (*end || errno) return -1;
  *out = (uint64_t)v;
  return 0;
}

static int read_real(const ey_opt *o, const char *s, double *out) {
  char *end;
  double v = strtod(s, &end);
  if (end == s || *end || !(o->lo_open ? v > o->lo : v >= o->lo) || !(v <= o->hi)) return -1;
  *out = v;
  return 0;
}

static int read_choice(const ey_opt *o, const char *s, int *out) {
  for (const ey_opt_choice *ch = o->choices; ch->name; ch++)
    if (!strcmp(ch->name, s)) {
      *out = ch->value;
      return 0;
    }
  return -1;
}

/* Stores `val` into o's field; returns 0, or -1 with the error in msg. */
static int store(const ey_opt *o, void *opts, const char *val, char *msg, size_t cap) {
  void *field = (char *)opts + o->offset;
  int bad = 0;
  switch (o->kind) {
    case EY_OPT_FLAG:
      *(int *)field = 1;
      break;
    case EY_OPT_INT:
      bad = read_int(o, val, (int *)field);
      break;
    case EY_OPT_U64:
      bad = read_u64(val, (uint64_t *)field);
      break;
    case EY_OPT_REAL:
      bad = read_real(o, val, (double *)field);
      break;
    case EY_OPT_STR: /* a file, a folder, a list of names: never nothing */
      if (!*val) {
        snprintf(msg, cap, "%s: expected a value (got an empty one)", o->name);
        return -1;
      }
      *(const char **)field = val;
      break;
    case EY_OPT_LIST: {
      ey_opt_list *l = field;
      if (o->max > 0 && l->n >= o->max) {
        snprintf(msg, cap, "%s: too many %s options (at most %d)", val, o->name, o->max);
        return -1;
      }
      if (ey_opt_list_add(l, val)) {
        snprintf(msg, cap, "%s: out of memory for the %s options", val, o->name);
        return -1;
      }
      break;
    }
    case EY_OPT_CHOICE:
      bad = read_choice(o, val, (int *)field);
      break;
    case EY_OPT_CALL:
      bad = o->parse(opts, val);
      break;
  }
  if (bad) {
    char name[8], expect[160];
    snprintf(msg, cap, "%s: %s (got %s)", shown(o, name, sizeof name),
             expectation(o, expect, sizeof expect), val);
    return -1;
  }
  return 0;
}

static int unknown(const ey_opt_cmd *c, const char *arg, size_t len, char *msg, size_t cap) {
  snprintf(msg, cap, "%.*s: unknown option for `eyesim %s`%s%s", (int)len, arg, c->name,
           c->hint ? " " : "", c->hint ? c->hint : "");
  return EY_OPTS_BAD;
}

/* Reads the option at argv[*i], and its value; returns EY_OPTS_OK or EY_OPTS_BAD. */
static int option(const ey_opt_cmd *c, int argc, char **argv, int *i, void *opts, char *msg,
                  size_t cap) {
  const char *a = argv[*i], *val = NULL;
  const ey_opt *o;
  if (a[1] == '-') { /* --name or --name=value */
    const char *eq = strchr(a, '=');
    size_t len = eq ? (size_t)(eq - a) : strlen(a);
    o = find_long(c, a, len);
    if (eq) val = eq + 1;
    if (!o) {
      int r = c->other ? c->other(opts, a, msg, cap) : 0;
      return r > 0 ? EY_OPTS_OK : r < 0 ? EY_OPTS_BAD : unknown(c, a, len, msg, cap);
    }
    if (val && o->kind == EY_OPT_FLAG) {
      snprintf(msg, cap, "%s: takes no value (got %s)", o->name, a);
      return EY_OPTS_BAD;
    }
  } else { /* -x, or -xVALUE */
    o = find_short(c, a[1]);
    if (o && a[2]) val = a + 2;
    if (!o || (val && o->kind == EY_OPT_FLAG)) {
      int r = c->other ? c->other(opts, a, msg, cap) : 0;
      return r > 0 ? EY_OPTS_OK : r < 0 ? EY_OPTS_BAD : unknown(c, a, strlen(a), msg, cap);
    }
  }
  if (!val && o->kind != EY_OPT_FLAG) {
    if (*i + 1 >= argc) {
      snprintf(msg, cap, "%s needs a value", a);
      return EY_OPTS_BAD;
    }
    val = argv[++*i];
  }
  return store(o, opts, val, msg, cap) ? EY_OPTS_BAD : EY_OPTS_OK;
}

int ey_opts_parse(const ey_opt_cmd *c, int argc, char **argv, void *opts, ey_opt_list *args,
                  char *msg, size_t cap) {
  msg[0] = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] != '-' || !strcmp(a, "-")) {
      if (!args || args->n >= c->max_args) {
        snprintf(msg, cap, "unexpected argument %s", a);
        return EY_OPTS_BAD;
      }
      if (ey_opt_list_add(args, a)) {
        snprintf(msg, cap, "%s: out of memory for the arguments", a);
        return EY_OPTS_BAD;
      }
      continue;
    }
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) return EY_OPTS_HELP;
    if (option(c, argc, argv, &i, opts, msg, cap)) return EY_OPTS_BAD;
  }
  return EY_OPTS_OK;
}

/* "  -j, --jobs N       layers simulated at once..." and its further lines. */
static void help_option(const ey_opt *o, FILE *f) {
  char left[64];
  size_t n = 0;
  if (o->short_name) n += (size_t)snprintf(left + n, sizeof left - n, "-%c", o->short_name);
  if (o->name)
    n += (size_t)snprintf(left + n, sizeof left - n, "%s%s", o->short_name ? ", " : "", o->name);
  if (o->value && n < sizeof left) snprintf(left + n, sizeof left - n, " %s", o->value);
  fprintf(f, "  %-*s", HELP_COLUMN, left);
  if (strlen(left) > HELP_COLUMN) /* a long option: its help starts on the next line */
    fprintf(f, "\n  %*s", HELP_COLUMN, "");
  for (const char *line = o->help; *line;) {
    const char *nl = strchr(line, '\n');
    int len = nl ? (int)(nl - line) : (int)strlen(line);
    if (line != o->help) fprintf(f, "  %*s", HELP_COLUMN, "");
    fprintf(f, " %.*s\n", len, line);
    line += len + (nl ? 1 : 0);
  }
}

void ey_opts_help(const ey_opt_cmd *c, FILE *f) {
  if (c->usage) fputs(c->usage, f);
  for (int s = 0; s < c->nsections; s++) {
    fprintf(f, "%s\n", c->sections[s].title);
    for (int k = 0; k < c->nopts; k++) {
      const ey_opt *o = &c->opts[k];
      if (o->help && (o->listed ? o->listed : o->cmds) == c->sections[s].cmds) help_option(o, f);
    }
  }
  if (c->more) fputs(c->more, f);
}
