// test_util.h - helpers shared by the test files: loading the shipped configs,
// running the eyesim binary, temporary directories.
#ifndef EY_TEST_UTIL_H
#define EY_TEST_UTIL_H

#include <string>
#include <vector>

extern "C" {
#include "mapper/mapper.h"
#include "sim/config/config.h"
#include "sim/engine/engine.h"
}

namespace eytest {

// "EY_SRC_DIR/configs/arch/NAME.yaml" loaded, or the test fails.
ey_arch LoadArch(const std::string &name);
// The shipped network NAME; the caller owns it (ey_net_free).
ey_net LoadNet(const std::string &name);

const std::vector<std::string> &ShippedArchs();
const std::vector<std::string> &ShippedNets();

struct CmdResult {
  int status;       // exit status, or -1 when the process did not exit normally
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs the eyesim binary with `args` (a shell-quoted string) from the source dir.
CmdResult Eyesim(const std::string &args);

// A fresh temporary directory, removed by the destructor.
struct TempDir {
  TempDir();
  ~TempDir();
  std::string path;
  std::string File(const std::string &name) const {
    return path + "/" + name;
  }
};

// A named layer and the architecture it runs on: a row of the tests' case tables.
struct LayerCase {
  const char *what;
  ey_layer l;
  ey_arch a;
};

// A small architecture from YAML: rows x cols PEs, a GLB of glb_kb KiB of which
// filter_kb stage filters, and any `extra` YAML appended.
ey_arch TinyArch(int rows, int cols, int glb_kb = 64, int filter_kb = 1,
                 const std::string &extra = "");
// A layer named "L", checked and with E, F derived.
ey_layer Layer(int N, int C, int M, int H, int W, int R, int S, int stride = 1, int pad = 0,
               int groups = 1);
// The analytic counts of a legal mapping (the check is an expectation).
ey_counts Cost(const ey_layer &l, const ey_arch &a, const ey_mapping &m);
// Every `every`-th legal mapping of l on a with n up to N, p and q by twos, r up
// to rmax, t up to tmax, e by esteps (eg = e, m = p*t): many placements, not only
// the best ones.
std::vector<ey_mapping> SampledMappings(const ey_layer &l, const ey_arch &a, int rmax, int tmax,
                                        int estep, int every);
// Per input row of l: 1 when some output row's window covers it (the rows a
// convolution reads), from the shape alone.
std::vector<int> CoveredRows(const ey_layer &l);
// Engine options: stepping, seed, zero fraction, check; no hooks.
ey_engine_opts Opts(int step, uint64_t seed, double zeros, int check);
// Every counter equal, by name.
void ExpectSameCounts(const ey_counts &want, const ey_counts &got);
// Every field of two engine measurements, the counts and per-bank GLB counts too.
void ExpectSameMeas(const ey_meas &x, const ey_meas &y);

std::string ReadFile(const std::string &path);
// The text of a gzip file ("" when it cannot be read).
std::string Gunzip(const std::string &path);
void WriteFile(const std::string &path, const std::string &text);
bool FileExists(const std::string &path);

}  // namespace eytest

#endif
