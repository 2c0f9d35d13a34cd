/* main.c - the eyesim command: the list of commands, `eyesim help`, and the
 * dispatch to the file of each command (cli.h says which, and the exit
 * statuses). */
#include <string.h>

#include "sim/cli/cli.h"

typedef struct command {
  const char *name;
  const char *args;    /* as the usage shows them */
  const char *summary; /* lines separated by '\n' */
  int (*run)(int argc, char **argv);
  void (*help)(FILE *f);
} command;

static const command k_commands[] = {
    {"run", "ARCH NET", "map every layer and report its cost (table on stdout)", ey_cli_run,
     ey_cli_run_help},
    {"map", "ARCH NET", "print the chosen mapping per layer; --out FILE saves it", ey_cli_run,
     ey_cli_run_help},
    {"config", "ARCH", "print the effective architecture, defaults filled in (YAML)", ey_cli_config,
     ey_cli_config_help},
    {"keys", "", "print every configuration key: type, range, default, meaning", ey_cli_keys,
     ey_cli_keys_help},
    {"sweep", "SPEC",
     "a design-space sweep into -o DIR, parallel and resumable;\n"
     "sweep merge joins shards (eyesim help sweep)",
     ey_cli_sweep, ey_cli_sweep_help},
    {"trace", "...", "activation traces: encode, decode, stats, synth (eyesim help trace)",
     ey_cli_trace, ey_cli_trace_help},
    {"import", "MODEL",
     "an ONNX model as a network file (-o NET.yaml) and, with\n"
     "--weights-dir DIR, its weights (needs python3-onnx)",
     ey_cli_import, ey_cli_import_help},
};
enum { NCOMMANDS = sizeof k_commands / sizeof k_commands[0] };

static const char k_usage_head[] =
    "usage: eyesim COMMAND [ARGS] [OPTIONS]\n"
    "\n"
    "eyesim simulates Eyeriss-style spatial DNN accelerators: it maps each layer of a\n"
    "network onto a PE array with the row-stationary dataflow and reports cycles,\n"
    "utilization, accesses per memory level and energy.\n"
    "\n"
    "commands:\n";

static const char k_usage_foot[] =
    "\n"
    "ARCH and NET are YAML files, or names of shipped ones: eyesim run eyeriss_v1 alexnet\n"
    "looks in configs/arch/ and configs/nets/ (or $EYESIM_CONFIGS/arch, /nets).\n"
    "Exit status: 0 ok, 1 bad input file, an output that could not be written or a --check\n"
    "mismatch, 2 bad usage, 3 some layer could not map, 128+N stopped by signal N.\n"
    "`eyesim help sweep` gives the sweep's.\n";

/* "  run ARCH NET     map every layer ..." and its further lines. */
static void usage_line(const char *left, const char *summary, FILE *f) {
  fprintf(f, "  %-16s", left);
  for (const char *line = summary; *line;) {
    const char *nl = strchr(line, '\n');
    int len = nl ? (int)(nl - line) : (int)strlen(line);
    if (line != summary) fprintf(f, "  %16s", "");
    fprintf(f, " %.*s\n", len, line);
    line += len + (nl ? 1 : 0);
  }
}

static void usage(FILE *f) {
  fputs(k_usage_head, f);
  for (int i = 0; i < NCOMMANDS; i++) {
    const command *c = &k_commands[i];
    char left[64];
    snprintf(left, sizeof left, "%s%s%s", c->name, *c->args ? " " : "", c->args);
    usage_line(left, c->summary, f);
  }
  usage_line("help [COMMAND]", "this text, or a command's options", f);
  usage_line("--version", "the version", f);
  fputs(k_usage_foot, f);
}

static const command *find(const char *name) {
  for (int i = 0; i < NCOMMANDS; i++)
    if (!strcmp(k_commands[i].name, name)) return &k_commands[i];
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
    puts("eyesim " EY_VERSION_STRING);
    return ey_cli_stdout_status(EXIT_OK);
  }
  if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
    const command *c = argc > 2 ? find(argv[2]) : NULL;
    if (c)
      c->help(stdout);
    else
      usage(stdout);
    return ey_cli_stdout_status(EXIT_OK);
  }
  const command *c = find(cmd);
  if (c) return ey_cli_stdout_status(c->run(argc, argv));
  return ey_cli_usage_error("%s: unknown command", cmd);
}
