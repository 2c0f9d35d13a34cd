/* schema.c - the one checker that turns YAML mappings into C structs and writes
 * every configuration message. See schema.h for the message forms. */
#include "sim/config/schema.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/base/json.h"

#define PATH_MAX_LEN 128 /* bytes of a dotted key path */

static const char *type_name(ey_ptype t) {
  switch (t) {
    case EY_P_INT:
      return "integer";
    case EY_P_REAL:
      return "number";
    case EY_P_BOOL:
      return "boolean";
    case EY_P_STR:
      return "string";
    case EY_P_ENUM:
      return "choice";
  }
  return "?";
}

/* Writes what param p expects, e.g. "an integer from 1 to 4096", into buf. */
static void expected(const ey_param *p, char *buf, size_t cap) {
  switch (p->type) {
    case EY_P_INT:
      snprintf(buf, cap, "an integer from %.15g to %.15g", p->min, p->max);
      break;
    case EY_P_REAL:
      snprintf(buf, cap, "a number from %.15g to %.15g", p->min, p->max);
      break;
    case EY_P_BOOL:
      snprintf(buf, cap, "true or false");
      break;
    case EY_P_STR:
      snprintf(buf, cap, "a string of 1 to %d characters", EY_NAME_MAX - 1);
      break;
    case EY_P_ENUM: {
      /* "energy|cycles|edp" -> "one of energy, cycles, edp" */
      size_t n = (size_t)snprintf(buf, cap, "one of ");
      for (const char *c = p->choices; *c && n + 3 < cap; c++) {
        if (*c == '|') {
          buf[n++] = ',';
          buf[n++] = ' ';
        } else {
          buf[n++] = *c;
        }
      }
      buf[n < cap ? n : cap - 1] = '\0';
      break;
    }
  }
}

/* Index of `text` among the '|'-separated choices, or -1. */
static int choice_index(const char *choices, const char *text) {
  size_t len = strlen(text);
  int idx = 0;
  for (const char *c = choices;; idx++) {
    const char *bar = strchr(c, '|');
    size_t clen = bar ? (size_t)(bar - c) : strlen(c);
    if (clen == len && strncmp(c, text, len) == 0) return idx;
    if (!bar) return -1;
    c = bar + 1;
  }
}

/* Writes choice number idx into buf. */
static void choice_name(const char *choices, int idx, char *buf, size_t cap) {
  const char *c = choices;
  for (int i = 0; i < idx && c; i++) {
    c = strchr(c, '|');
    if (c) c++;
  }
  if (!c) {
    snprintf(buf, cap, "?");
    return;
  }
  const char *bar = strchr(c, '|');
  size_t clen = bar ? (size_t)(bar - c) : strlen(c);
  snprintf(buf, cap, "%.*s", (int)clen, c);
}

/* Why `text` cannot be a name, into buf ("a newline at byte 3"), or NULL when it
 * can: names are echoed into YAML, CSV, JSON and trace headers, one line each,
 * so they hold no control character and are valid UTF-8 (as all YAML is; this
 * catches --set). */
static const char *str_problem(const char *text, char *buf, size_t cap) {
  const unsigned char *u = (const unsigned char *)text;
  for (size_t i = 0; u[i];) {
    if (u[i] < 0x20 || u[i] == 0x7F) {
      snprintf(buf, cap, "%s at byte %zu",
               u[i] == '\n'   ? "a newline"
               : u[i] == '\t' ? "a tab"
                              : "a control character",
               i + 1);
      return buf;
    }
    size_t n = u[i] < 0x80             ? 1
               : (u[i] & 0xE0) == 0xC0 ? 2
               : (u[i] & 0xF0) == 0xE0 ? 3
               : (u[i] & 0xF8) == 0xF0 ? 4
                                       : 0;
    int ok = n > 0 && (n != 2 || u[i] >= 0xC2);
    for (size_t k = 1; ok && k < n; k++) ok = (u[i + k] & 0xC0) == 0x80;
    if (!ok) {
      snprintf(buf, cap, "a byte that is not UTF-8 at byte %zu", i + 1);
      return buf;
    }
    i += n;
  }
  return NULL;
}

/* Parses text into the field of p in dst. Returns 0, or -1 when the text is not a
 * valid value for p (the caller writes the message). */
static int parse_value(const ey_param *p, const char *text, void *dst) {
  char *field = (char *)dst + p->off;
  char *end;
  switch (p->type) {
    case EY_P_INT: {
      errno = 0;
      long long v = strtoll(text, &end, 10);
      if (errno || end == text || *end || v < p->min || v > p->max) return -1;
      *(int *)field = (int)v;
      return 0;
    }
    case EY_P_REAL: {
      errno = 0;
      double v = strtod(text, &end);
      if (errno || end == text || *end || !(v >= p->min && v <= p->max)) return -1;
      *(double *)field = v;
      return 0;
    }
    case EY_P_BOOL:
      if (!strcmp(text, "true") || !strcmp(text, "yes") || !strcmp(text, "on")) {
        *(int *)field = 1;
        return 0;
      }
      if (!strcmp(text, "false") || !strcmp(text, "no") || !strcmp(text, "off")) {
        *(int *)field = 0;
        return 0;
      }
      return -1;
    case EY_P_STR: {
      char why[64];
      if (!*text || strlen(text) >= EY_NAME_MAX || str_problem(text, why, sizeof why)) return -1;
      memcpy(field, text, strlen(text) + 1);
      return 0;
    }
    case EY_P_ENUM: {
      int idx = choice_index(p->choices, text);
      if (idx < 0) return -1;
      *(int *)field = idx;
      return 0;
    }
  }
  return -1;
}

int ey_schema_find(const ey_schema *s, const char *key) {
  for (int i = 0; i < s->n; i++)
    if (!strcmp(s->params[i].key, key)) return i;
  return -1;
}

/* Nonzero when some key of the table lies below `section` ("pe" for "pe.x"). */
static int has_section(const ey_schema *s, const char *section) {
  size_t len = strlen(section);
  for (int i = 0; i < s->n; i++)
    if (!strncmp(s->params[i].key, section, len) && s->params[i].key[len] == '.') return 1;
  return 0;
}

static int edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la >= PATH_MAX_LEN || lb >= PATH_MAX_LEN) return 1 << 20;
  int prev[PATH_MAX_LEN + 1], cur[PATH_MAX_LEN + 1];
  for (size_t j = 0; j <= lb; j++) prev[j] = (int)j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = (int)i;
    for (size_t j = 1; j <= lb; j++) {
      int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
      int del = prev[j] + 1, ins = cur[j - 1] + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
    }
    memcpy(prev, cur, sizeof(int) * (lb + 1));
  }
  return prev[lb];
}

/* The closest known key or section to `key`, or NULL when none is near (a typo,
 * not a guess). The answer points into the table or into `buf`. */
static const char *suggest(const ey_schema *s, const char *key, char *buf, size_t cap) {
  const char *best = NULL;
  int best_d = 4; /* at most three edits away */
  for (int i = 0; i < s->n; i++) {
    const char *k = s->params[i].key;
    int d = edit_distance(key, k);
    if (d < best_d) {
      best_d = d;
      best = k;
    }
    const char *dot = strrchr(k, '.');
    if (dot && (size_t)(dot - k) < cap) { /* the section "pe" of "pe.x" */
      char section[PATH_MAX_LEN];
      snprintf(section, sizeof section, "%.*s", (int)(dot - k), k);
      d = edit_distance(key, section);
      if (d < best_d) {
        best_d = d;
        snprintf(buf, cap, "%s", section);
        best = buf;
      }
    }
  }
  return best;
}

static ey_rc value_error(const ey_param *p, ey_ydoc *d, const yaml_node_t *val, const char *prefix,
                         ey_err *err) {
  char exp[160];
  expected(p, exp, sizeof exp);
  const char *text = ey_ynode_scalar(val);
  if (!text)
    return ey_err_set(err, EY_CONFIG, "%s:%d: %s%s: must be %s (got %s)", d->path,
                      ey_ynode_line(val), prefix, p->key, exp, ey_ynode_kind(val));
  if (strlen(text) != val->data.scalar.length)
    return ey_err_set(err, EY_CONFIG, "%s:%d: %s%s: must be %s (got a NUL byte at byte %zu)",
                      d->path, ey_ynode_line(val), prefix, p->key, exp, strlen(text) + 1);
  char why[64];
  if (p->type == EY_P_STR && str_problem(text, why, sizeof why))
    return ey_err_set(err, EY_CONFIG,
                      "%s:%d: %s%s: must be %s, without control characters (got %s)", d->path,
                      ey_ynode_line(val), prefix, p->key, exp, why);
  if (p->type == EY_P_STR && *text)
    return ey_err_set(err, EY_CONFIG, "%s:%d: %s%s: must be %s (got %zu characters)", d->path,
                      ey_ynode_line(val), prefix, p->key, exp, strlen(text));
  return ey_err_set(err, EY_CONFIG, "%s:%d: %s%s: must be %s (got %s)", d->path, ey_ynode_line(val),
                    prefix, p->key, exp, *text ? text : "an empty value");
}

static int in_list(const char *const *list, const char *s) {
  for (; list && *list; list++)
    if (!strcmp(*list, s)) return 1;
  return 0;
}

static ey_rc apply_map(const ey_schema *s, ey_ydoc *d, yaml_node_t *map, const char *path,
                       const char *prefix, const char *const *skip, void *dst, int *lines,
                       unsigned char *seen, ey_err *err) {
  for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
       pr++) {
    yaml_node_t *kn = ey_ydoc_node(d, pr->key), *val = ey_ydoc_node(d, pr->value);
    const char *k = ey_ynode_scalar(kn);
    if (!k)
      return ey_err_set(err, EY_CONFIG, "%s:%d: %s%s: keys must be plain words (got %s)", d->path,
                        ey_ynode_line(kn), prefix, *path ? path : "(top level)", ey_ynode_kind(kn));
    char full[PATH_MAX_LEN];
    if (snprintf(full, sizeof full, "%s%s%s", path, *path ? "." : "", k) >= (int)sizeof full)
      return ey_err_set(err, EY_CONFIG, "%s:%d: %s%.40s...: unknown key (got a key too long)",
                        d->path, ey_ynode_line(kn), prefix, full);
    for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < pr; q++) {
      const char *qk = ey_ynode_scalar(ey_ydoc_node(d, q->key));
      if (qk && !strcmp(qk, k))
        return ey_err_set(err, EY_CONFIG,
                          "%s:%d: %s%s: each key once (got it again; first on line %d)", d->path,
                          ey_ynode_line(kn), prefix, full, ey_ynode_line(ey_ydoc_node(d, q->key)));
    }
    if (!*path && in_list(skip, k)) continue;
    int i = ey_schema_find(s, full);
    if (i >= 0) {
      const char *text = ey_ynode_scalar(val);
      if (!text || strlen(text) != val->data.scalar.length || parse_value(&s->params[i], text, dst))
        return value_error(&s->params[i], d, val, prefix, err);
      seen[i] = 1;
      if (lines) lines[i] = ey_ynode_line(val);
    } else if (has_section(s, full)) {
      if (!val || val->type != YAML_MAPPING_NODE)
        return ey_err_set(err, EY_CONFIG, "%s:%d: %s%s: must be a mapping of keys (got %s)",
                          d->path, ey_ynode_line(val), prefix, full, ey_ynode_kind(val));
      ey_rc rc = apply_map(s, d, val, full, prefix, skip, dst, lines, seen, err);
      if (rc) return rc;
    } else {
      char nbuf[PATH_MAX_LEN];
      const char *near = suggest(s, full, nbuf, sizeof nbuf);
      /* Keys the caller reads itself ("layers") are candidates too. */
      int near_d = near ? edit_distance(full, near) : 4;
      for (const char *const *sk = skip; !*path && sk && *sk; sk++)
        if (edit_distance(full, *sk) < near_d) {
          near_d = edit_distance(full, *sk);
          near = *sk;
        }
      if (near)
        return ey_err_set(err, EY_CONFIG, "%s:%d: %s%s: unknown key (did you mean %s?)", d->path,
                          ey_ynode_line(kn), prefix, full, near);
      return ey_err_set(err, EY_CONFIG, "%s:%d: %s%s: unknown key", d->path, ey_ynode_line(kn),
                        prefix, full);
    }
  }
  return EY_OK;
}

/* The line of the deepest existing section key along `key`'s dotted path from
 * `map` ("pe:" for "pe.x"), which is where a missing key should have been
 * written; the line of `map` itself when no section of the path exists. */
static int missing_line(ey_ydoc *d, yaml_node_t *map, const char *key) {
  int line = ey_ynode_line(map);
  const char *dot;
  while ((dot = strchr(key, '.')) != NULL && map && map->type == YAML_MAPPING_NODE) {
    size_t len = (size_t)(dot - key);
    yaml_node_t *next = NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
      yaml_node_t *kn = ey_ydoc_node(d, p->key);
      const char *k = ey_ynode_scalar(kn);
      if (k && strlen(k) == len && !strncmp(k, key, len)) {
        line = ey_ynode_line(kn);
        next = ey_ydoc_node(d, p->value);
        break;
      }
    }
    map = next;
    key = dot + 1;
  }
  return line;
}

void ey_schema_item_prefix(ey_ydoc *d, yaml_node_t *item, const char *name_key, const char *list,
                           int index, char *buf, size_t cap) {
  yaml_node_t *nn = ey_ymap_get(d, item, name_key);
  const char *nm = ey_ynode_scalar(nn);
  char why[64];
  if (nm && *nm && strlen(nm) < EY_NAME_MAX && strlen(nm) == nn->data.scalar.length &&
      !str_problem(nm, why, sizeof why))
    snprintf(buf, cap, "%s.", nm);
  else
    snprintf(buf, cap, "%s[%d].", list, index);
}

void ey_schema_defaults(const ey_schema *s, void *dst) {
  for (int i = 0; i < s->n; i++)
    if (s->params[i].def && !*s->params[i].def) {
      memset((char *)dst + s->params[i].off, 0,
             s->params[i].type == EY_P_REAL  ? sizeof(double)
             : s->params[i].type == EY_P_STR ? EY_NAME_MAX
                                             : sizeof(int));
    } else if (s->params[i].def) {
      int bad = parse_value(&s->params[i], s->params[i].def, dst);
      assert(!bad && "a default in a schema table does not pass its own check");
      (void)bad;
    }
}

ey_rc ey_schema_apply(const ey_schema *s, ey_ydoc *d, yaml_node_t *map, const char *prefix,
                      const char *const *skip, void *dst, int *lines, ey_err *err) {
  if (!map || map->type != YAML_MAPPING_NODE)
    return ey_err_set(err, EY_CONFIG, "%s:%d: %s: must be a mapping of keys (got %s)", d->path,
                      ey_ynode_line(map), *prefix ? prefix : "document", ey_ynode_kind(map));
  unsigned char seen[256] = {0};
  assert(s->n <= (int)sizeof seen);
  ey_schema_defaults(s, dst);
  if (lines)
    for (int i = 0; i < s->n; i++) lines[i] = -ey_ynode_line(map);
  ey_rc rc = apply_map(s, d, map, "", prefix, skip, dst, lines, seen, err);
  if (rc) return rc;
  for (int i = 0; i < s->n; i++)
    if (!seen[i] && !s->params[i].def)
      return ey_err_set(err, EY_CONFIG, "%s:%d: %s%s: required but not given", d->path,
                        missing_line(d, map, s->params[i].key), prefix, s->params[i].key);
  return EY_OK;
}

ey_rc ey_schema_set(const ey_schema *s, const char *key, const char *text, void *dst,
                    const char *where, ey_err *err) {
  int i = ey_schema_find(s, key);
  if (i < 0) {
    char nbuf[PATH_MAX_LEN];
    const char *near = suggest(s, key, nbuf, sizeof nbuf);
    if (near)
      return ey_err_set(err, EY_CONFIG, "%s: %s: unknown key (did you mean %s?)", where, key, near);
    return ey_err_set(err, EY_CONFIG, "%s: %s: unknown key", where, key);
  }
  if (parse_value(&s->params[i], text, dst)) {
    char exp[160], why[64];
    expected(&s->params[i], exp, sizeof exp);
    if (s->params[i].type == EY_P_STR && str_problem(text, why, sizeof why))
      return ey_err_set(err, EY_CONFIG, "%s: %s: must be %s, without control characters (got %s)",
                        where, key, exp, why);
    return ey_err_set(err, EY_CONFIG, "%s: %s: must be %s (got %s)", where, key, exp, text);
  }
  return EY_OK;
}

void ey_schema_format(const ey_schema *s, int i, const void *src, char *buf, size_t cap) {
  const ey_param *p = &s->params[i];
  const char *field = (const char *)src + p->off;
  switch (p->type) {
    case EY_P_INT:
      snprintf(buf, cap, "%d", *(const int *)field);
      break;
    case EY_P_REAL:
      snprintf(buf, cap, "%.10g", *(const double *)field);
      break;
    case EY_P_BOOL:
      snprintf(buf, cap, "%s", *(const int *)field ? "true" : "false");
      break;
    case EY_P_STR:
      snprintf(buf, cap, "%s", field);
      break;
    case EY_P_ENUM:
      choice_name(p->choices, *(const int *)field, buf, cap);
      break;
  }
}

/* Splits "pe.filter_spad_words" into section "pe" and leaf "filter_spad_words";
 * a key without a dot has section "". */
static const char *split_key(const char *key, char *section, size_t cap) {
  const char *dot = strrchr(key, '.');
  if (!dot) {
    section[0] = '\0';
    return key;
  }
  snprintf(section, cap, "%.*s", (int)(dot - key), key);
  return dot + 1;
}

void ey_schema_write_json(const ey_schema *s, const void *src, ey_json *j) {
  char open_section[PATH_MAX_LEN] = "", section[PATH_MAX_LEN], buf[EY_NAME_MAX + 16];
  for (int i = 0; i < s->n; i++) {
    const char *leaf = split_key(s->params[i].key, section, sizeof section);
    if (strcmp(section, open_section)) {
      if (*open_section) ey_json_obj_end(j);
      if (*section) ey_json_obj_begin(j, section);
      snprintf(open_section, sizeof open_section, "%s", section);
    }
    ey_schema_format(s, i, src, buf, sizeof buf);
    if (s->params[i].type == EY_P_STR || s->params[i].type == EY_P_ENUM)
      ey_json_str(j, leaf, buf);
    else
      ey_json_raw(j, leaf, buf);
  }
  if (*open_section) ey_json_obj_end(j);
}

void ey_schema_write_yaml(const ey_schema *s, const void *src, FILE *f, int indent) {
  char open_section[PATH_MAX_LEN] = "", section[PATH_MAX_LEN], buf[EY_NAME_MAX + 16];
  for (int i = 0; i < s->n; i++) {
    const char *leaf = split_key(s->params[i].key, section, sizeof section);
    if (strcmp(section, open_section)) {
      if (*section) fprintf(f, "%*s%s:\n", indent, "", section);
      snprintf(open_section, sizeof open_section, "%s", section);
    }
    ey_schema_format(s, i, src, buf, sizeof buf);
    int in = indent + (*section ? 2 : 0);
    if (s->params[i].type == EY_P_STR) {
      fprintf(f, "%*s%s: ", in, "", leaf);
      ey_schema_put_quoted(f, buf);
      fputc('\n', f);
    } else
      fprintf(f, "%*s%s: %s\n", in, "", leaf, buf);
  }
}

void ey_schema_put_quoted(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
    if (*u == '"' || *u == '\\')
      fprintf(f, "\\%c", *u);
    else if (*u == '\n')
      fputs("\\n", f);
    else if (*u == '\t')
      fputs("\\t", f);
    else if (*u < 0x20 || *u == 0x7F)
      fprintf(f, "\\x%02x", *u);
    else
      fputc(*u, f);
  }
  fputc('"', f);
}

void ey_schema_write_markdown(const ey_schema *s, FILE *f) {
  fprintf(f, "| key | type | allowed | default | meaning |\n|---|---|---|---|---|\n");
  for (int i = 0; i < s->n; i++) {
    const ey_param *p = &s->params[i];
    char allowed[160];
    expected(p, allowed, sizeof allowed);
    fprintf(f, "| `%s` | %s | %s | %s | %s |\n", p->key, type_name(p->type), allowed,
            !p->def   ? "required"
            : *p->def ? p->def
                      : "none",
            p->doc);
  }
}
