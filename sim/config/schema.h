/* schema.h - table-driven checking of YAML mappings into C structs.
 *
 * Every key of every eyesim file is one row of a table (Redis static_configs[],
 * with Ramulator's required/default meaning). One generic checker writes every
 * message, so all errors read alike:
 *
 *   configs/arch/x.yaml:14: pe.filter_spad_words: must be an integer from 1 to 65535 (got 0)
 *   configs/arch/x.yaml:3: clock.core_mhz: required but not given
 *   configs/arch/x.yaml:22: noc.gin_widht: unknown key (did you mean noc.gon_words_per_cycle?)
 *
 * Keys are dotted paths ("pe.filter_spad_words") that mirror YAML nesting. Rows of one
 * section must be contiguous in a table: the JSON and YAML echoes rely on it. */
#ifndef EY_SCHEMA_H
#define EY_SCHEMA_H

#include <stdio.h>

#include "sim/base/ey_types.h"
#include "sim/config/yamldoc.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ey_ptype {
  EY_P_INT,  /* int field; min..max inclusive */
  EY_P_REAL, /* double field; min..max inclusive */
  EY_P_BOOL, /* int field, 0 or 1; YAML true/false */
  EY_P_STR,  /* char[EY_NAME_MAX] field */
  EY_P_ENUM  /* int field, index into choices "a|b|c" */
} ey_ptype;

typedef struct ey_param {
  const char *key;     /* dotted path */
  ey_ptype type;       /* how the scalar is parsed */
  double min, max;     /* EY_P_INT, EY_P_REAL: inclusive bounds */
  const char *def;     /* default as YAML text; NULL: the key is required; "": optional,
                          the field zeroed when absent (the caller decides) */
  size_t off;          /* offsetof() the field in the destination struct */
  const char *choices; /* EY_P_ENUM: "energy|cycles|edp" */
  const char *doc;     /* one sentence for docs/config.md and `eyesim keys` */
} ey_param;

typedef struct ey_schema {
  const char *what; /* "architecture", "layer", ... for documentation */
  const ey_param *params;
  int n;
} ey_schema;

/* Applies the mapping `map` of document `d` to `dst`, then fills defaults.
 * `prefix` is put before every key in messages ("conv2." for a layer; "" at top).
 * Keys listed in `skip` (NULL-terminated; may be NULL) are left to the caller.
 * lines[i] (array of s->n, may be NULL) receives the line that set param i, or
 * minus the line of `map` when the default was used. Returns EY_OK, or EY_CONFIG with the
 * first problem in document order (unknown or duplicate key, wrong type, out of
 * range), then the first missing required key in table order. */
ey_rc ey_schema_apply(const ey_schema *s, ey_ydoc *d, yaml_node_t *map, const char *prefix,
                      const char *const *skip, void *dst, int *lines, ey_err *err);

/* The message prefix of item `index` of list `list`: "conv2." when its `name_key`
 * is a usable name, else "layers[2].". */
void ey_schema_item_prefix(ey_ydoc *d, yaml_node_t *item, const char *name_key, const char *list,
                           int index, char *buf, size_t cap);

/* Fills every field of dst from the defaults (required ones are left zero). */
void ey_schema_defaults(const ey_schema *s, void *dst);

/* Sets one key from text, as --set KEY=VALUE does. `where` names the origin in
 * messages ("--set"). Returns EY_OK, or EY_CONFIG for an unknown key or bad value. */
ey_rc ey_schema_set(const ey_schema *s, const char *key, const char *text, void *dst,
                    const char *where, ey_err *err);

/* Index of `key` in the table, or -1. */
int ey_schema_find(const ey_schema *s, const char *key);

/* Formats the value of param i of src as YAML/JSON scalar text into buf. */
void ey_schema_format(const ey_schema *s, int i, const void *src, char *buf, size_t cap);

struct ey_json;
/* Writes src as nested JSON members (sections become objects) into the open
 * object of `j`. */
void ey_schema_write_json(const ey_schema *s, const void *src, struct ey_json *j);
/* Writes src as a YAML block at `indent` spaces. */
void ey_schema_write_yaml(const ey_schema *s, const void *src, FILE *f, int indent);
/* Writes s as a YAML double-quoted scalar that reads back as s: `"` and `\`
 * escaped, and control characters as \n, \t or \xNN. */
void ey_schema_put_quoted(FILE *f, const char *s);
/* Writes the table as Markdown rows: key, type, range or choices, default, doc. */
void ey_schema_write_markdown(const ey_schema *s, FILE *f);

#ifdef __cplusplus
}
#endif
#endif /* EY_SCHEMA_H */
