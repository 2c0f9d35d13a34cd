/* yamldoc.c - libyaml document loading with FILE:LINE syntax errors. */
#include "sim/config/yamldoc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static ey_rc load_with(ey_ydoc *d, yaml_parser_t *parser, ey_err *err) {
  if (!yaml_parser_load(parser, &d->doc)) {
    /* libyaml marks are 0-based; context_mark points at the construct that was
     * open when the problem was found, problem_mark at the problem itself. */
    int line = (int)parser->problem_mark.line + 1;
    const char *problem = parser->problem ? parser->problem : "unreadable input";
    if (parser->context)
      return ey_err_set(err, EY_SYNTAX, "%s:%d: syntax: %s %s (got invalid YAML)", d->path, line,
                        problem, parser->context);
    return ey_err_set(err, EY_SYNTAX, "%s:%d: syntax: %s (got invalid YAML)", d->path, line,
                      problem);
  }
  d->loaded = 1;
  if (!yaml_document_get_root_node(&d->doc))
    return ey_err_set(err, EY_SYNTAX, "%s:1: document: expected a YAML mapping (got an empty file)",
                      d->path);
  return EY_OK;
}

ey_rc ey_ydoc_load(ey_ydoc *d, const char *path, ey_err *err) {
  memset(d, 0, sizeof *d);
  d->path = path;
  FILE *f = fopen(path, "rb");
  if (!f) return ey_err_set(err, EY_IO, "%s: cannot open (%s)", path, strerror(errno));
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    fclose(f);
    return ey_err_set(err, EY_NOMEM, "%s: cannot initialize the YAML parser", path);
  }
  yaml_parser_set_input_file(&parser, f);
  ey_rc rc = load_with(d, &parser, err);
  yaml_parser_delete(&parser);
  fclose(f);
  return rc;
}

ey_rc ey_ydoc_load_string(ey_ydoc *d, const char *path, const char *text, ey_err *err) {
  memset(d, 0, sizeof *d);
  d->path = path;
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser))
    return ey_err_set(err, EY_NOMEM, "%s: cannot initialize the YAML parser", path);
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
  ey_rc rc = load_with(d, &parser, err);
  yaml_parser_delete(&parser);
  return rc;
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
