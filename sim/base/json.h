/* json.h - a small streaming JSON writer: nesting, commas, indentation and string
 * escaping, with numbers printed the same way on every run (determinism). */
#ifndef EY_JSON_H
#define EY_JSON_H

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EY_JSON_MAX_DEPTH 32

typedef struct ey_json {
  FILE *f;                      /* public: where the text goes */
  int depth;                    /* private */
  int count[EY_JSON_MAX_DEPTH]; /* private: members written per level */
  int compact;                  /* private: one line, no spaces */
} ey_json;

void ey_json_init(ey_json *j, FILE *f);
/* The same text on one line (JSON lines): no newlines, no indentation. */
void ey_json_init_compact(ey_json *j, FILE *f);
/* `key` is the member name inside an object and NULL inside an array. */
void ey_json_obj_begin(ey_json *j, const char *key);
void ey_json_obj_end(ey_json *j);
void ey_json_arr_begin(ey_json *j, const char *key);
void ey_json_arr_end(ey_json *j);
void ey_json_str(ey_json *j, const char *key, const char *v);
void ey_json_int(ey_json *j, const char *key, int64_t v);
void ey_json_uint(ey_json *j, const char *key, uint64_t v);
void ey_json_real(ey_json *j, const char *key, double v); /* %.10g; null if not finite */
void ey_json_bool(ey_json *j, const char *key, int v);
/* A pre-formatted JSON value (number literal, true, ...). */
void ey_json_raw(ey_json *j, const char *key, const char *text);
/* 1 when `s` is a number as JSON writes one (no "+12", "0x10", "nan", "inf", ".5"). */
int ey_json_is_number(const char *s);
void ey_json_finish(ey_json *j); /* final newline */

#ifdef __cplusplus
}
#endif
#endif /* EY_JSON_H */
