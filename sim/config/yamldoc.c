/* yamldoc.c - libyaml document loading with FILE:LINE syntax errors. */
#include "sim/config/yamldoc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ey_rc parser_error(const ey_ydoc *d, const yaml_parser_t *parser, ey_err *err) {
  /* libyaml marks are 0-based; context_mark points at the construct that was
   * open when the problem was found, problem_mark at the problem itself. */
  int line = (int)parser->problem_mark.line + 1;
  const char *problem = parser->problem ? parser->problem : "unreadable input";
  if (parser->context)
    return ey_err_set(err, EY_SYNTAX, "%s:%d: syntax: %s %s (got invalid YAML)", d->path, line,
                      problem, parser->context);
  return ey_err_set(err, EY_SYNTAX, "%s:%d: syntax: %s (got invalid YAML)", d->path, line, problem);
}

/* A first pass over the events, before the tree is built: one document, and no
 * deeper nesting than EY_YAML_MAX_DEPTH. libyaml's scanner takes time quadratic
 * in the nesting depth, so the pass stops as soon as the limit is crossed. */
static ey_rc check_events(const ey_ydoc *d, const unsigned char *text, size_t len, ey_err *err) {
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser))
    return ey_err_set(err, EY_NOMEM, "%s: cannot initialize the YAML parser", d->path);
  yaml_parser_set_input_string(&parser, text, len);
  ey_rc rc = EY_OK;
  int depth = 0, docs = 0;
  for (int done = 0; !done && !rc;) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&parser, &ev)) {
      rc = parser_error(d, &parser, err);
      break;
    }
    int line = (int)ev.start_mark.line + 1;
    switch (ev.type) {
      case YAML_DOCUMENT_START_EVENT:
        if (++docs > 1)
          rc = ey_err_set(err, EY_SYNTAX,
                          "%s:%d: document: expected one YAML document (got a second one)", d->path,
                          line);
        break;
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT:
        if (++depth > EY_YAML_MAX_DEPTH)
          rc = ey_err_set(err, EY_SYNTAX,
                          "%s:%d: syntax: expected at most %d levels of nested lists and "
                          "mappings (got more)",
                          d->path, line, EY_YAML_MAX_DEPTH);
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        depth--;
        break;
      case YAML_STREAM_END_EVENT:
        done = 1;
        break;
      default:
        break;
    }
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&parser);
  return rc;
}

/* Loads text[0..len) into d->doc. */
static ey_rc load_text(ey_ydoc *d, const unsigned char *text, size_t len, ey_err *err) {
  ey_rc rc = check_events(d, text, len, err);
  if (rc) return rc;
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser))
    return ey_err_set(err, EY_NOMEM, "%s: cannot initialize the YAML parser", d->path);
  yaml_parser_set_input_string(&parser, text, len);
  if (!yaml_parser_load(&parser, &d->doc)) {
    rc = parser_error(d, &parser, err);
    yaml_parser_delete(&parser);
    return rc;
  }
  yaml_parser_delete(&parser);
  d->loaded = 1;
  if (!yaml_document_get_root_node(&d->doc))
    return ey_err_set(err, EY_SYNTAX, "%s:1: document: expected a YAML mapping (got an empty file)",
                      d->path);
  return EY_OK;
}

/* The size error: names the line on which the limit falls. */
static ey_rc too_big(const ey_ydoc *d, const char *text, ey_err *err) {
  int line = 1;
  for (size_t i = 0; i < EY_YAML_MAX_BYTES; i++) line += text[i] == '\n';
  return ey_err_set(err, EY_SYNTAX,
                    "%s:%d: document: expected a file of at most %d MiB (got more; the limit "
                    "falls on this line)",
                    d->path, line, EY_YAML_MAX_BYTES >> 20);
}

ey_rc ey_ydoc_load(ey_ydoc *d, const char *path, ey_err *err) {
  memset(d, 0, sizeof *d);
  d->path = path;
  FILE *f = fopen(path, "rb");
  if (!f) return ey_err_set(err, EY_IO, "%s: cannot open (%s)", path, strerror(errno));
  /* The whole file, up to the limit and one byte more to see that it is over. */
  size_t cap = 1 << 16, len = 0;
  char *text = malloc(cap);
  ey_rc rc = EY_OK;
  while (text) {
    if (len == cap) {
      if (cap > EY_YAML_MAX_BYTES) break; /* one byte over the limit is enough */
      size_t ncap =
          cap * 2 > (size_t)EY_YAML_MAX_BYTES + 1 ? (size_t)EY_YAML_MAX_BYTES + 1 : cap * 2;
      char *nt = realloc(text, ncap);
      if (!nt) {
        free(text);
        text = NULL;
        break;
      }
      text = nt;
      cap = ncap;
    }
    size_t got = fread(text + len, 1, cap - len, f);
    len += got;
    if (got == 0) break;
  }
  if (!text) {
    rc = ey_err_set(err, EY_NOMEM, "%s: out of memory", path);
  } else if (len > EY_YAML_MAX_BYTES) {
    rc = too_big(d, text, err);
  } else if (ferror(f)) {
    rc = ey_err_set(err, EY_IO, "%s: cannot read (%s)", path, strerror(errno));
  } else {
    rc = load_text(d, (const unsigned char *)text, len, err);
  }
  free(text);
  fclose(f);
  return rc;
}

ey_rc ey_ydoc_load_string(ey_ydoc *d, const char *path, const char *text, ey_err *err) {
  memset(d, 0, sizeof *d);
  d->path = path;
  size_t len = strlen(text);
  if (len > EY_YAML_MAX_BYTES) return too_big(d, text, err);
  return load_text(d, (const unsigned char *)text, len, err);
}

ey_rc ey_ydoc_with(const char *path, const char *text, ey_ydoc_fn fn, void *obj, ey_err *err) {
  ey_ydoc d;
  ey_rc rc = text ? ey_ydoc_load_string(&d, path, text, err) : ey_ydoc_load(&d, path, err);
  if (!rc) rc = fn(&d, obj, err);
  ey_ydoc_fini(&d);
  return rc;
}

void ey_ydoc_fini(ey_ydoc *d) {
  if (d->loaded) yaml_document_delete(&d->doc);
  d->loaded = 0;
}

yaml_node_t *ey_ydoc_root(ey_ydoc *d) {
  return d->loaded ? yaml_document_get_root_node(&d->doc) : NULL;
}

yaml_node_t *ey_ydoc_node(ey_ydoc *d, int id) {
  return yaml_document_get_node(&d->doc, id);
}

int ey_ynode_line(const yaml_node_t *n) {
  return n ? (int)n->start_mark.line + 1 : 1;
}

const char *ey_ynode_kind(const yaml_node_t *n) {
  if (!n) return "nothing";
  switch (n->type) {
    case YAML_SCALAR_NODE:
      return "a scalar";
    case YAML_SEQUENCE_NODE:
      return "a list";
    case YAML_MAPPING_NODE:
      return "a mapping";
    default:
      return "nothing";
  }
}

const char *ey_ynode_scalar(const yaml_node_t *n) {
  if (!n || n->type != YAML_SCALAR_NODE) return NULL;
  return (const char *)n->data.scalar.value;
}

yaml_node_t *ey_ymap_get(ey_ydoc *d, yaml_node_t *map, const char *key) {
  if (!map || map->type != YAML_MAPPING_NODE) return NULL;
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    const char *k = ey_ynode_scalar(ey_ydoc_node(d, p->key));
    if (k && strcmp(k, key) == 0) return ey_ydoc_node(d, p->value);
  }
  return NULL;
}
