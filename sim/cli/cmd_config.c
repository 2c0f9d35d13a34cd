/* cmd_config.c - `eyesim config` (the effective architecture as YAML, defaults
 * filled in) and `eyesim keys` (every configuration key, as docs/config.md
 * embeds it). */
#include <string.h>

#include "sim/cli/cli.h"
#include "sim/config/config.h"

enum { CMD_CONFIG = 1, CMD_KEYS = 2 };

typedef struct config_opts {
  ey_opt_list sets;
} config_opts;

static const ey_opt k_config_opts[] = {
    {.name = "--set",
     .kind = EY_OPT_LIST,
     .value = "KEY=VALUE",
     .cmds = CMD_CONFIG,
     .offset = offsetof(config_opts, sets),
     .max = 64,
     .help = "override one architecture key, e.g. --set pe_array.rows=16;\n"
             "repeatable; `eyesim keys` lists the keys"},
};

static const ey_opt_section k_config_sections[] = {{"options:", CMD_CONFIG}};

static const ey_opt_cmd k_config_cmd = {
    .name = "config",
    .cmd = CMD_CONFIG,
    .opts = k_config_opts,
    .nopts = 1,
    .max_args = 1,
    .hint = "(it takes --set KEY=VALUE)",
    .usage =
        "usage: eyesim config ARCH [--set KEY=VALUE]...\n"
        "\n"
        "Prints the effective architecture as YAML: ARCH (a file, or the name of a\n"
        "shipped one) with every key's default filled in and the --set overrides\n"
        "applied, as `eyesim run` sees it.\n"
        "\n",
    .sections = k_config_sections,
    .nsections = 1,
};

static const ey_opt_cmd k_keys_cmd = {
    .name = "keys",
    .cmd = CMD_KEYS,
    .usage =
        "usage: eyesim keys\n"
        "\n"
        "Prints every configuration key of the architecture and network files, with\n"
        "its type, range, default and meaning, as Markdown (docs/config.md embeds it).\n",
};

void ey_cli_config_help(FILE *f) {
  ey_opts_help(&k_config_cmd, f);
}

void ey_cli_keys_help(FILE *f) {
  ey_opts_help(&k_keys_cmd, f);
}

static int config(const config_opts *o, const ey_opt_list *args) {
  if (!args->n) return ey_cli_usage_error("%s", "`eyesim config` needs ARCH");
  char buf[512];
  ey_arch a;
  ey_err err;
  ey_rc rc = ey_cli_locate(args->v[0], "arch", buf, sizeof buf, &err);
  if (!rc) rc = ey_arch_load(buf, &a, &err);
  if (!rc) rc = ey_arch_set_all(&a, o->sets.v, o->sets.n, &err);
  if (rc) return ey_cli_fail(&err, rc);
  printf("# effective architecture: %s, defaults filled in (eyesim " EY_VERSION_STRING ")\n",
         a.path);
  ey_schema_write_yaml(ey_arch_schema(), &a, stdout, 0);
  return EXIT_OK;
}

int ey_cli_config(int argc, char **argv) {
  config_opts o;
  memset(&o, 0, sizeof o);
  ey_opt_list args = {0};
  int st = ey_cli_parse(&k_config_cmd, argc, argv, 2, &o, &args);
  if (st < 0) st = config(&o, &args);
  ey_opt_list_free(&args);
  ey_opt_list_free(&o.sets);
  return st;
}

int ey_cli_keys(int argc, char **argv) {
  int st = ey_cli_parse(&k_keys_cmd, argc, argv, 2, NULL, NULL);
  if (st >= 0) return st;
  const ey_schema *s[] = {ey_arch_schema(), ey_net_schema(), ey_layer_schema()};
  const char *title[] = {"Architecture file (configs/arch/*.yaml)",
                         "Network file (configs/nets/*.yaml)",
                         "Each entry of a network's `layers:` list"};
  for (int i = 0; i < 3; i++) {
    printf("%s## %s\n\n", i ? "\n" : "", title[i]);
    ey_schema_write_markdown(s[i], stdout);
  }
  return EXIT_OK;
}
