/* cmd_import.c - `eyesim import`: an ONNX model as a network file and its
 * weights folder. The importer is a Python script (scripts/import, which needs
 * python3-onnx and python3-numpy); this command checks the options against the
 * same table its --help prints and then runs the script with /usr/bin/python3
 * in its place, passing the arguments through, so the script's messages and
 * exit status are the command's. */
#include <errno.h>
#include <float.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli/cli.h"

enum { CMD_IMPORT = 1 };

#define EY_IMPORT_PYTHON "/usr/bin/python3"

typedef struct import_opts {
  const char *out, *weights, *name;
  int bits, batch;
  double range;
} import_opts;

static const ey_opt k_import_opts[] = {
    {.name = "--out",
     .short_name = 'o',
     .kind = EY_OPT_STR,
     .value = "FILE",
     .cmds = CMD_IMPORT,
     .offset = offsetof(import_opts, out),
     .help = "the network file to write (NET.yaml; required)"},
    {.name = "--weights-dir",
     .kind = EY_OPT_STR,
     .value = "DIR",
     .cmds = CMD_IMPORT,
     .offset = offsetof(import_opts, weights),
     .help = "also write the weights folder: LAYER.npy, LAYER.bias.npy and\n"
             "quant.yaml (made when missing)"},
    {.name = "--bits",
     .kind = EY_OPT_INT,
     .value = "B",
     .cmds = CMD_IMPORT,
     .offset = offsetof(import_opts, bits),
     .lo = 2,
     .hi = 32,
     .help = "the word bits quant.yaml's scales are for (default 16,\n"
             "data.word_bits of eyeriss_v1)"},
    {.name = "--input-range",
     .kind = EY_OPT_REAL,
     .value = "X",
     .cmds = CMD_IMPORT,
     .offset = offsetof(import_opts, range),
     .lo = 0,
     .hi = DBL_MAX,
     .lo_open = 1,
     .expect = "must be a finite number above 0",
     .help = "the largest |x| of the network's input (default 1):\n"
             "input_scale = (2^(B-1)-1)/X"},
    {.name = "--name",
     .kind = EY_OPT_STR,
     .value = "NAME",
     .cmds = CMD_IMPORT,
     .offset = offsetof(import_opts, name),
     .help = "the network's name (default: the model file's name)"},
    {.name = "--batch",
     .kind = EY_OPT_INT,
     .value = "N",
     .cmds = CMD_IMPORT,
     .offset = offsetof(import_opts, batch),
     .lo = 1,
     .hi = 65536,
     .help = "images per run (default: the input's batch dimension,\n"
             "1 when it is symbolic)"},
};

static const ey_opt_section k_import_sections[] = {{"options:", CMD_IMPORT}};

static const ey_opt_cmd k_import_cmd = {
    .name = "import",
    .cmd = CMD_IMPORT,
    .opts = k_import_opts,
    .nopts = sizeof k_import_opts / sizeof k_import_opts[0],
    .max_args = 1,
    .usage =
        "usage: eyesim import MODEL.onnx -o NET.yaml [--weights-dir DIR] [--bits B]\n"
        "                     [--input-range X] [--name NAME] [--batch N]\n"
        "\n"
        "Writes an ONNX model as an eyesim network file (docs/graphs.md) and, with\n"
        "--weights-dir, its weights as float32 .npy files with the scales that\n"
        "quantize them to B-bit words. Conv, Gemm and MatMul become conv and fc\n"
        "layers; MaxPool, AveragePool, GlobalAveragePool, Add, Concat (channels)\n"
        "and Flatten host nodes; Relu, BatchNormalization and a Flatten or Reshape\n"
        "before an fc are folded into the node before or after them; Dropout and\n"
        "Identity are skipped. Any other operator is an error naming the node.\n"
        "\n",
    .sections = k_import_sections,
    .nsections = 1,
    .more =
        "\n"
        "It runs scripts/import with " EY_IMPORT_PYTHON
        ", which needs python3-onnx and\n"
        "python3-numpy (scripts/bootstrap import installs them). It says what it\n"
        "wrote in one line on stdout. A model it cannot import is one line on\n"
        "stderr naming the node, exit status 1, and no file written. Each file is\n"
        "written whole (to a temporary name, then renamed).\n",
};

void ey_cli_import_help(FILE *f) {
  ey_opts_help(&k_import_cmd, f);
}

/* scripts/import beside the configs directory eyesim uses, else beside the
 * build's own (the source tree's). */
static int find_script(char *buf, size_t cap) {
  const char *dirs[] = {ey_cli_config_dir(), EY_CONFIG_DIR};
  for (int i = 0; i < 2; i++) {
    snprintf(buf, cap, "%s/../scripts/import", dirs[i]);
    if (!access(buf, R_OK)) return 0;
  }
  return -1;
}

int ey_cli_import(int argc, char **argv) {
  import_opts o = {.bits = 16, .range = 1.0};
  ey_opt_list args = {0};
  int st = ey_cli_parse(&k_import_cmd, argc, argv, 2, &o, &args);
  int nargs = args.n;
  ey_opt_list_free(&args);
  if (st >= 0) return st;
  if (nargs != 1) return ey_cli_usage_error("%s", "`eyesim import` needs MODEL.onnx");
  if (!o.out) return ey_cli_usage_error("%s", "`eyesim import` needs -o NET.yaml");
  char script[1024];
  if (find_script(script, sizeof script)) {
    fprintf(stderr,
            "eyesim: import: scripts/import not found (looked beside %s and %s; "
            "$EYESIM_CONFIGS chooses the configs folder it sits beside)\n",
            ey_cli_config_dir(), EY_CONFIG_DIR);
    return EXIT_INPUT;
  }
  /* python3 SCRIPT ARGS...: argv[2..] as given. */
  char **xargv = calloc((size_t)argc + 1, sizeof *xargv);
  if (!xargv) {
    fprintf(stderr, "eyesim: import: out of memory\n");
    return EXIT_INPUT;
  }
  xargv[0] = EY_IMPORT_PYTHON;
  xargv[1] = script;
  for (int i = 2; i < argc; i++) xargv[i] = argv[i];
  xargv[argc] = NULL;
  fflush(stdout);
  fflush(stderr);
  execv(EY_IMPORT_PYTHON, xargv);
  int e = errno;
  free(xargv);
  fprintf(stderr,
          "eyesim: import: cannot run " EY_IMPORT_PYTHON
          " (%s); scripts/bootstrap import "
          "installs python3, python3-numpy and python3-onnx\n",
          strerror(e));
  return EXIT_INPUT;
}
