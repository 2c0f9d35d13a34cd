/* opts.h - the command line's one option parser. A command describes its options
 * in a table (name, short name, kind, bounds, where the value goes, help);
 * ey_opts_parse() reads argv against it and ey_opts_help() prints the command's
 * --help from the same table, so the help lists what the parser takes.
 *
 * Spellings taken: --name VALUE, --name=VALUE, -x VALUE, -xVALUE (as make takes
 * -j2), flags as --name or -x, -h and --help; any argument that does not start
 * with '-', and "-" itself, is positional. The parser prints nothing: an error
 * comes back as one line naming the option, what was expected and what was
 * found, for the caller to print. */
#ifndef EY_OPTS_H
#define EY_OPTS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ey_opt_kind {
  EY_OPT_FLAG,   /* no value: the int field is set to 1 */
  EY_OPT_INT,    /* int, from lo to hi */
  EY_OPT_U64,    /* uint64_t: a non-negative decimal integer */
  EY_OPT_REAL,   /* double, from lo to hi (above lo with lo_open) */
  EY_OPT_STR,    /* const char *: the last value given */
  EY_OPT_LIST,   /* ey_opt_list: every value given (up to `max` when it is set) */
  EY_OPT_CHOICE, /* int: the value of the name given, from `choices` */
  EY_OPT_CALL,   /* parse(opts, value) reads it: 0, or -1 when not as `expect` says */
} ey_opt_kind;

typedef struct ey_opt_choice {
  const char *name;
  int value;
} ey_opt_choice;

/* Strings in the order given: the values of a LIST option, or the positional
 * arguments. It grows as they come (no limit but memory and INT_MAX); zeroed, it
 * is empty, and ey_opt_list_free() frees what it took. */
typedef struct ey_opt_list {
  int n;
  const char **v; /* v[0..n) */
  int cap;        /* private: room in v */
} ey_opt_list;

/* Appends s (not copied). Returns 0, or -1 when out of memory or at INT_MAX. */
int ey_opt_list_add(ey_opt_list *l, const char *s);
/* Frees the list's storage and empties it; safe on a zeroed list. */
void ey_opt_list_free(ey_opt_list *l);

/* max_args of a command that takes any number of positional arguments. */
#define EY_OPT_ARGS_ANY INT_MAX

typedef struct ey_opt {
  const char *name; /* "--batch" */
  char short_name;  /* 'j' for -j, or 0; an option with one is named by it in errors */
  ey_opt_kind kind;
  const char *value;            /* the value's name in the help: "N", "FILE"; NULL for a flag */
  unsigned cmds;                /* the commands (bits of the caller's choosing) that take it */
  size_t offset;                /* of its field in the command's options struct */
  double lo, hi;                /* INT and REAL: the bounds */
  int lo_open;                  /* REAL: the value must be above lo */
  int max;                      /* LIST: most values; 0: any number */
  const ey_opt_choice *choices; /* CHOICE: ended by a NULL name */
  int (*parse)(void *opts, const char *value); /* CALL */
  const char *expect; /* what a bad value should be: "expected FROM:TO cycles ...";
                         NULL: said from the kind and bounds */
  unsigned listed;    /* the help section (cmds bits) it is listed under; 0: cmds */
  const char *help;   /* lines separated by '\n'; NULL: not in the help */
} ey_opt;

/* A titled group of options in the help: those listed under exactly `cmds`. */
typedef struct ey_opt_section {
  const char *title; /* "options (run):" */
  unsigned cmds;
} ey_opt_section;

typedef struct ey_opt_cmd {
  const char *name; /* "run", "trace encode": errors say "for `eyesim NAME`" */
  unsigned cmd;     /* its bit: the options whose cmds hold it are taken */
  const ey_opt *opts;
  int nopts;
  int max_args;     /* positional arguments taken; EY_OPT_ARGS_ANY: any number */
  const char *hint; /* appended to the unknown-option error, or NULL */
  /* Called for an option the table does not have, before it is refused (may be
   * NULL): 1 taken, 0 refused, -1 refused with the message written in msg. */
  int (*other)(void *opts, const char *arg, char *msg, size_t cap);
  /* The help: the text before the options, the sections, the text after. */
  const char *usage;
  const ey_opt_section *sections;
  int nsections;
  const char *more;
} ey_opt_cmd;

enum { EY_OPTS_OK = 0, EY_OPTS_HELP = 1, EY_OPTS_BAD = -1 };

/* Reads argv[0..argc) (the arguments after the command's own words) into the
 * fields of `opts` and the positional arguments into `args` (may be NULL when
 * the command takes none). The fields keep their values for the options not
 * given: set the defaults before. The caller frees `args` and the LIST fields
 * with ey_opt_list_free(), whatever the result. Returns EY_OPTS_OK; EY_OPTS_HELP at -h or
 * --help (the rest is not read); EY_OPTS_BAD with one line in msg, such as
 * "--batch: must be an integer from 1 to 65536 (got 0)". */
int ey_opts_parse(const ey_opt_cmd *c, int argc, char **argv, void *opts, ey_opt_list *args,
                  char *msg, size_t cap);
/* Prints the command's help: usage, each section's options, the text after. */
void ey_opts_help(const ey_opt_cmd *c, FILE *f);

#ifdef __cplusplus
}
#endif

#endif /* EY_OPTS_H */
