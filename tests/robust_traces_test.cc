// robust_traces_test.cc - the trace commands and a run's trace outputs under
// hostile conditions: many inputs, inputs that name one tensor twice, full disks,
// a rename that fails, layer names that sanitise alike, waveform globs that match
// nothing, large arrays, replayed activations. Each case goes through the eyesim
// binary and checks the one-line message (or its key part) and the exit status.
//
// The full-disk cases mount a small tmpfs, which needs root; they are skipped,
// saying why, when the tests do not run as root or the mount fails.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "test_util.h"

extern "C" {
#include "traces/actrace.h"
#include "traces/npy.h"
#include "traces/rlc.h"
}

#include <dirent.h>
#include <zlib.h>

using eytest::Eyesim;
using eytest::FileExists;
using eytest::Gunzip;
using eytest::ReadFile;
using eytest::TempDir;
using eytest::WriteFile;

namespace {

const char *kTinyNet = "tests/data/tiny.yaml";

void WriteNpy(const std::string &path, const int shape[4], const std::vector<int16_t> &v) {
  FILE *f = fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  ey_npy_write(f, shape, v.data());
  fclose(f);
}

// The names in a directory, sorted ("." and ".." left out).
std::vector<std::string> Files(const std::string &dir) {
  std::vector<std::string> names;
  DIR *d = opendir(dir.c_str());
  if (!d) return names;
  while (struct dirent *e = readdir(d))
    if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") names.push_back(e->d_name);
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

std::string FirstLine(const std::string &text) {
  return text.substr(0, text.find('\n'));
}

// A tmpfs of `size` (e.g. "64k") mounted on a fresh directory of `t`, unmounted
// when it goes. `skip` says why there is none (not root, or the mount failed).
struct Tmpfs {
  std::string dir, skip;
  bool mounted = false;
  Tmpfs(const TempDir &t, const std::string &size, const std::string &name = "disk") {
    dir = t.File(name);
    if (geteuid() != 0) {
      skip = "needs root to mount a small tmpfs (a full disk)";
      return;
    }
    if (mkdir(dir.c_str(), 0777) != 0) {
      skip = "cannot create " + dir;
      return;
    }
    std::string cmd = "mount -t tmpfs -o size=" + size + " tmpfs '" + dir + "' 2>/dev/null";
    mounted = system(cmd.c_str()) == 0;
    if (!mounted) skip = "mount -t tmpfs failed";
  }
  ~Tmpfs() {
    if (mounted) {
      std::string cmd = "umount '" + dir + "'";
      EXPECT_EQ(system(cmd.c_str()), 0) << cmd;
    }
  }
};

// ---------------------------------------------------------------- trace encode

TEST(RobustTraceCli, EncodeTakesAnyNumberOfInputs) {
  TempDir t;
  const int shape[4] = {1, 1, 1, 2};
  std::string args;
  for (int i = 0; i < 300; i++) {
    std::string f = t.File("l" + std::to_string(i) + ".npy");
    WriteNpy(f, shape, {(int16_t)i, 0});
    args += " " + f;
  }
  auto r = Eyesim("trace encode" + args + " -o " + t.File("t.gz"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  // 300 tensors of 2 values, one word each (l0 is all zeros: 301 zeros of 600).
  EXPECT_EQ(r.out, "wrote " + t.File("t.gz") +
                       ": 300 tensors, 1200 raw bytes, 2400 coded (ratio 0.50), 50.2% zeros\n");
  ey_act_trace tr;
  ey_err err;
  ASSERT_EQ(ey_act_load(t.File("t.gz").c_str(), &tr, &err), EY_OK) << err.msg;
  EXPECT_EQ(tr.n, 300);
  EXPECT_NE(ey_act_find(&tr, "l6.ifmap"), nullptr);
  EXPECT_NE(ey_act_find(&tr, "l299.ifmap"), nullptr);
  ey_act_free(&tr);
  // Other commands still take what they take.
  auto two = Eyesim("trace stats " + t.File("t.gz") + " " + t.File("t.gz"));
  EXPECT_EQ(two.status, 2);
  EXPECT_EQ(two.err, "eyesim: unexpected argument " + t.File("t.gz") + " (see `eyesim help`)\n");
}

TEST(RobustTraceCli, EncodeRefusesTwoFilesOfOneTensorName) {
  TempDir t;
  ASSERT_EQ(mkdir(t.File("a").c_str(), 0777), 0);
  ASSERT_EQ(mkdir(t.File("b").c_str(), 0777), 0);
  const int shape[4] = {1, 1, 2, 2};
  WriteNpy(t.File("a/conv2.npy"), shape, {1, 2, 3, 4});
  WriteNpy(t.File("b/conv2.npy"), shape, {5, 6, 7, 8});
  WriteNpy(t.File("b/conv3.npy"), shape, {0, 0, 0, 1});
  auto r = Eyesim("trace encode " + t.File("a/conv2.npy") + " " + t.File("b/conv3.npy") + " " +
                  t.File("b/conv2.npy") + " -o " + t.File("t.gz"));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eyesim: " + t.File("b/conv2.npy") +
                       ": tensor conv2.ifmap: expected each tensor once (got it from " +
                       t.File("a/conv2.npy") +
                       " too; a tensor is named after its file) (see `eyesim help`)\n");
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(FileExists(t.File("t.gz")));
  // conv2.npy and conv2.ifmap.npy are one tensor too.
  WriteNpy(t.File("b/conv2.ifmap.npy"), shape, {5, 6, 7, 8});
  r = Eyesim("trace encode " + t.File("a/conv2.npy") + " " + t.File("b/conv2.ifmap.npy") + " -o " +
             t.File("t.gz"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(": tensor conv2.ifmap: expected each tensor once (got it from " +
                       t.File("a/conv2.npy") + " too;"),
            std::string::npos)
      << r.err;
  // A name with spaces still round-trips.
  WriteNpy(t.File("my conv 1.npy"), shape, {0, 9, 0, -9});
  r = Eyesim("trace encode '" + t.File("my conv 1.npy") + "' " + t.File("a/conv2.npy") + " -o " +
             t.File("s.gz"));
  ASSERT_EQ(r.status, 0) << r.err;
  auto d = Eyesim("trace decode " + t.File("s.gz") + " --tensor 'my conv 1.ifmap' -o " +
                  t.File("back.npy"));
  ASSERT_EQ(d.status, 0) << d.err;
  EXPECT_EQ(d.out, "wrote " + t.File("back.npy") + ": my conv 1.ifmap (1, 1, 2, 2)\n");
  EXPECT_EQ(ReadFile(t.File("back.npy")), ReadFile(t.File("my conv 1.npy")));
}

// ---------------------------------------------------------------- summaries

TEST(RobustTraceCli, EncodeDecodeAndSynthSayWhatTheyWrote) {
  TempDir t;
  const int shape[4] = {1, 2, 3, 4};
  std::vector<int16_t> v(24, 0);
  for (int i = 0; i < 24; i += 2) v[i] = (int16_t)(i + 1);  // 12 zeros of 24
  WriteNpy(t.File("c1.npy"), shape, v);
  WriteNpy(t.File("c1.ofmap.npy"), shape, std::vector<int16_t>(24, 3));
  const uint64_t words = ey_rlc_words(v.data(), v.size()) + 8;  // the ofmap: 24 values, 8 words
  const uint64_t raw = 2 * 48;
  char ratio[16];
  snprintf(ratio, sizeof ratio, "%.2f", (double)raw / (double)(8 * words));
  auto e = Eyesim("trace encode " + t.File("c1.npy") + " " + t.File("c1.ofmap.npy") + " -o " +
                  t.File("t.gz"));
  ASSERT_EQ(e.status, 0) << e.err;
  EXPECT_EQ(e.out, "wrote " + t.File("t.gz") + ": 2 tensors, 96 raw bytes, " +
                       std::to_string(8 * words) + " coded (ratio " + ratio + "), 25.0% zeros\n");
  EXPECT_EQ(e.err, "");
  auto d = Eyesim("trace decode " + t.File("t.gz") + " --layer c1 -o " + t.File("c1back.npy"));
  ASSERT_EQ(d.status, 0) << d.err;
  EXPECT_EQ(d.out, "wrote " + t.File("c1back.npy") + ": c1.ifmap (1, 2, 3, 4)\n");
  // synth: the same figures `trace stats` gives, summed.
  auto s = Eyesim(std::string("trace synth ") + kTinyNet + " --zeros 0.5 -o " + t.File("s.gz"));
  ASSERT_EQ(s.status, 0) << s.err;
  auto st = Eyesim("trace stats " + t.File("s.gz"));
  ASSERT_EQ(st.status, 0) << st.err;
  std::istringstream rows(st.out);
  std::string line;
  std::getline(rows, line);  // the header
  uint64_t sum_raw = 0, sum_coded = 0;
  int n = 0;
  while (std::getline(rows, line)) {
    // name, shape "(N, C, H, W)", zeros%, raw, coded, ...
    std::istringstream f(line.substr(line.find(')') + 1));
    double zeros;
    uint64_t r, c;
    f >> zeros >> r >> c;
    sum_raw += r;
    sum_coded += c;
    n++;
  }
  EXPECT_EQ(n, 4);
  const std::string want = "wrote " + t.File("s.gz") + ": 4 tensors, " + std::to_string(sum_raw) +
                           " raw bytes, " + std::to_string(sum_coded) + " coded (ratio ";
  EXPECT_EQ(s.out.rfind(want, 0), 0u) << s.out;
  EXPECT_NE(s.out.find("% zeros\n"), std::string::npos) << s.out;
  EXPECT_EQ(std::count(s.out.begin(), s.out.end(), '\n'), 1);
}

TEST(RobustTraceCli, DataOnStdoutStaysClean) {
  TempDir t;
  const int shape[4] = {1, 1, 2, 3};
  WriteNpy(t.File("c.npy"), shape, {0, 1, 0, 2, 0, 3});
  // encode -o -: stdout is the trace alone, and it loads.
  auto e = Eyesim("trace encode " + t.File("c.npy") + " -o -");
  ASSERT_EQ(e.status, 0) << e.err;
  EXPECT_EQ(e.err, "");
  ASSERT_GE(e.out.size(), 2u);
  EXPECT_EQ((unsigned char)e.out[0], 0x1f);  // the gzip magic, no summary before it
  EXPECT_EQ((unsigned char)e.out[1], 0x8b);
  WriteFile(t.File("t.gz"), e.out);
  ey_act_trace tr;
  ey_err err;
  ASSERT_EQ(ey_act_load(t.File("t.gz").c_str(), &tr, &err), EY_OK) << err.msg;
  ey_act_free(&tr);
  // decode -o -: the .npy bytes alone, as decode to a file writes them.
  auto d = Eyesim("trace decode " + t.File("t.gz") + " --layer c -o -");
  ASSERT_EQ(d.status, 0) << d.err;
  EXPECT_EQ(d.err, "");
  EXPECT_EQ(d.out, ReadFile(t.File("c.npy")));
  // synth -o -: a trace alone.
  auto s = Eyesim(std::string("trace synth ") + kTinyNet + " --layers c1 -o -");
  ASSERT_EQ(s.status, 0) << s.err;
  EXPECT_EQ(s.out.substr(0, 2), "\x1f\x8b");
  // stats: the table alone, a header and a row per tensor.
  auto st = Eyesim("trace stats " + t.File("t.gz"));
  ASSERT_EQ(st.status, 0) << st.err;
  EXPECT_EQ(std::count(st.out.begin(), st.out.end(), '\n'), 2) << st.out;
  EXPECT_EQ(st.out.rfind("tensor ", 0), 0u) << st.out;
  EXPECT_EQ(st.out.find("wrote"), std::string::npos) << st.out;
}

// ---------------------------------------------------------------- full disks

TEST(RobustTraceCli, WritesToAFullDeviceFailWithTheCause) {
  TempDir t;
  const int shape[4] = {1, 1, 2, 3};
  WriteNpy(t.File("c.npy"), shape, {0, 1, 0, 2, 0, 3});
  ASSERT_EQ(Eyesim("trace encode " + t.File("c.npy") + " -o " + t.File("t.gz")).status, 0);
  // /dev/full is written in place (sim/base/outfile.h): every write fails with ENOSPC.
  const std::string full = "eyesim: /dev/full: write failed (No space left on device)\n";
  for (std::string cmd : {std::string("trace synth ") + kTinyNet + " -o /dev/full",
                          std::string("trace synth alexnet --layers conv1..conv5 -o /dev/full"),
                          "trace encode " + t.File("c.npy") + " -o /dev/full",
                          "trace decode " + t.File("t.gz") + " --layer c -o /dev/full",
                          std::string("run eyeriss_v1 ") + kTinyNet + " -q --vcd /dev/full"}) {
    SCOPED_TRACE(cmd);
    auto r = Eyesim(cmd);
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, full);
    EXPECT_EQ(r.out, "");
  }
}

TEST(RobustTraceCli, SynthOnAFullDiskSaysSoAndLeavesNothing) {
  TempDir t;
  Tmpfs disk(t, "64k");
  if (!disk.mounted) GTEST_SKIP() << disk.skip;
  auto r = Eyesim("trace synth alexnet -o " + disk.dir + "/a.gz");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "eyesim: " + disk.dir + "/a.gz: write failed (No space left on device)\n");
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(Files(disk.dir), std::vector<std::string>{});  // no temporary file either
  // A trace that fits is written, and says so.
  auto ok =
      Eyesim(std::string("trace synth ") + kTinyNet + " --layers c1 -o " + disk.dir + "/c.gz");
  ASSERT_EQ(ok.status, 0) << ok.err;
  EXPECT_EQ(ok.out.rfind("wrote " + disk.dir + "/c.gz: 1 tensor, ", 0), 0u) << ok.out;
}

// Every layer with a file in `dir` has all of `units`, and no temporary file is
// left; returns the layers (file stems) found.
std::set<std::string> WholeSets(const std::string &dir, const std::vector<std::string> &units) {
  std::map<std::string, std::set<std::string>> by_layer;
  for (const std::string &f : Files(dir)) {
    EXPECT_EQ(f.find(".tmp"), std::string::npos) << "a temporary file is left: " << f;
    const std::string tail = ".csv.gz";
    if (f.size() <= tail.size() || f.compare(f.size() - tail.size(), tail.size(), tail)) {
      ADD_FAILURE() << "unexpected file " << f;
      continue;
    }
    std::string stem = f.substr(0, f.size() - tail.size());
    size_t dot = stem.rfind('.');
    by_layer[stem.substr(0, dot)].insert(stem.substr(dot + 1));
  }
  std::set<std::string> layers;
  for (auto &[layer, have] : by_layer) {
    EXPECT_EQ(have, std::set<std::string>(units.begin(), units.end()))
        << "layer " << layer << " has a partial set of access traces in " << dir;
    layers.insert(layer);
  }
  return layers;
}

TEST(RobustAccessTrace, AFullDiskKeepsNoPartOfALayer) {
  TempDir t;
  {
    // The run of the brief: one large layer on a disk of 64 KiB.
    Tmpfs disk(t, "64k");
    if (!disk.mounted) GTEST_SKIP() << disk.skip;
    auto r = Eyesim("run eyeriss_v1 alexnet --layers conv5 -q --trace-dir " + disk.dir + "/tr");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find(".csv.gz: write failed (No space left on device); no access trace of "
                         "layer conv5 is kept\n"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.rfind("eyesim: " + disk.dir + "/tr/conv5.", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(Files(disk.dir + "/tr"), std::vector<std::string>{});
  }
  // Disks that fill at other points: in every layer, and with four files a layer.
  int n = 0;
  for (const char *detail : {"basic", "full"})
    for (const char *size : {"8k", "16k", "24k", "40k", "96k", "200k"}) {
      SCOPED_TRACE(std::string(detail) + " " + size);
      Tmpfs disk(t, size, "d" + std::to_string(n++));
      ASSERT_TRUE(disk.mounted) << disk.skip;
      auto r = Eyesim(std::string("run eyeriss_v1 ") + kTinyNet + " -q --trace-detail " + detail +
                      " --trace-dir " + disk.dir + "/tr");
      std::vector<std::string> units = {"dram", "glb"};
      if (std::string(detail) == "full") units = {"dram", "glb", "noc", "spad"};
      std::set<std::string> kept = WholeSets(disk.dir + "/tr", units);
      if (r.status == 0) {
        EXPECT_EQ(kept, (std::set<std::string>{"c1", "c2", "c3", "fc"}));
        continue;
      }
      EXPECT_EQ(r.status, 1);
      EXPECT_NE(r.err.find(": write failed (No space left on device); no access trace of layer "),
                std::string::npos)
          << r.err;
      // The layers before the one that failed stay, whole.
      const size_t at = r.err.find("of layer ") + 9;
      const std::string failed = r.err.substr(at, r.err.find(" is kept", at) - at);
      EXPECT_EQ(kept.count(failed), 0u) << r.err;
      for (const std::string &layer : kept) EXPECT_LT(layer, failed) << r.err;  // c1 < c2 < c3 < fc
    }
}

TEST(RobustAccessTrace, AFileThatCannotBeMadeRemovesTheLayersOtherFiles) {
  TempDir t;
  // A directory where c1's GLB trace would go: it cannot be created after the
  // DRAM trace's was (ey_outfile_open refuses a folder rather than failing at
  // the rename), and the DRAM trace goes too.
  const std::string dir = t.File("tr");
  ASSERT_EQ(mkdir(dir.c_str(), 0777), 0);
  ASSERT_EQ(mkdir((dir + "/c1.glb.csv.gz").c_str(), 0777), 0);
  WriteFile(dir + "/c1.glb.csv.gz/x", "x");
  auto r = Eyesim(std::string("run eyeriss_v1 ") + kTinyNet + " -q --trace-dir " + dir);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "eyesim: " + dir +
                       "/c1.glb.csv.gz: cannot create (Is a directory); no access trace of layer "
                       "c1 is kept\n");
  EXPECT_EQ(Files(dir), std::vector<std::string>{"c1.glb.csv.gz"});  // only what was there
  EXPECT_EQ(Files(dir + "/c1.glb.csv.gz"), std::vector<std::string>{"x"});
}

// ---------------------------------------------------------------- layer names

TEST(RobustAccessTrace, LayerNamesGiveFilesOfTheirOwn) {
  TempDir t;
  WriteFile(t.File("n.yaml"),
            "name: names\nbatch: 1\nindependent: true\nlayers:\n"
            "  - {name: a/b, C: 3, M: 4, H: 8, W: 8, R: 3, S: 3}\n"
            "  - {name: a_b, C: 4, M: 4, H: 6, W: 6, R: 3, S: 3}\n"
            "  - {name: a%2Fb, C: 4, M: 4, H: 6, W: 6, R: 3, S: 3}\n");
  const std::string dir = t.File("tr");
  auto r = Eyesim("run eyeriss_v1 " + t.File("n.yaml") + " -q --trace-dir " + dir);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Files(dir), (std::vector<std::string>{"a%252Fb.dram.csv.gz", "a%252Fb.glb.csv.gz",
                                                  "a%2Fb.dram.csv.gz", "a%2Fb.glb.csv.gz",
                                                  "a_b.dram.csv.gz", "a_b.glb.csv.gz"}));
  const std::map<std::string, std::string> layer_of = {
      {"a%2Fb", "a/b"}, {"a_b", "a_b"}, {"a%252Fb", "a%2Fb"}};
  for (auto &[stem, layer] : layer_of)
    for (const char *unit : {"dram", "glb"}) {
      std::string f = dir + "/" + stem + "." + unit + ".csv.gz";
      EXPECT_EQ(FirstLine(Gunzip(f)), "# eyesim access trace v1: layer " + layer + ", unit " +
                                          unit + ", cycles of the core clock, addresses in words")
          << f;
    }
  // Each layer's own rows: the first layer's DRAM reads its 3 x 8 x 8 ifmap, in
  // as many reads as its mapping makes, one after another from word 0.
  std::istringstream rows(Gunzip(dir + "/a%2Fb.dram.csv.gz"));
  uint64_t next = 0;
  for (std::string line; std::getline(rows, line);) {
    const size_t at = line.find(",dram,read,ifmap,");
    if (at == std::string::npos) continue;
    unsigned long long addr = 0, words = 0;
    ASSERT_EQ(sscanf(line.c_str() + at + 17, "%llu,%llu", &addr, &words), 2) << line;
    EXPECT_EQ(addr, next) << line;
    next = addr + words;
  }
  EXPECT_EQ(next, 192u);
}

// ---------------------------------------------------------------- waveforms

TEST(RobustVcd, SignalsThatMatchNothingAreAUsageError) {
  TempDir t;
  const std::string vcd = t.File("x.vcd");
  const std::string names =
      " of eyeriss_v1 (signals are named like top.array.pe_r0_c0.state, "
      "top.array.pe_r11_c13.psum_words, top.noc.ifmap.valid, top.noc.psum.gon_words, "
      "top.glb.bank_0.reads, top.dram.busy; docs/traces.md lists them)\n";
  auto r = Eyesim(std::string("run eyeriss_v1 ") + kTinyNet + " --vcd " + vcd +
                  " --vcd-signals 'top.nope*,top.arr.*'");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eyesim: --vcd-signals: 'top.nope*', 'top.arr.*' match no signal" + names);
  EXPECT_EQ(r.out, "");  // refused before anything ran
  EXPECT_FALSE(FileExists(vcd));
  EXPECT_EQ(Files(t.path), std::vector<std::string>{});
  // One glob of several that matches nothing is named alone.
  r = Eyesim(std::string("run eyeriss_v1 ") + kTinyNet + " --vcd " + vcd +
             " --vcd-signals 'top.dram.*,top.array.pe_r12_c0.*'");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eyesim: --vcd-signals: 'top.array.pe_r12_c0.*' matches no signal" + names);
  EXPECT_FALSE(FileExists(vcd));
  r = Eyesim(std::string("run eyeriss_v1 ") + kTinyNet + " --vcd " + vcd + " --vcd-signals ,");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            "eyesim: --vcd-signals: expected comma-separated globs, e.g. 'top.array.pe_r0_*' "
            "(got ',')\n");
  // Globs that match still make a waveform.
  r = Eyesim(std::string("run eyeriss_v1 ") + kTinyNet + " -q --vcd " + vcd +
             " --vcd-signals 'top.dram.*,top.array.pe_r11_c13.*'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(ReadFile(vcd).find("$scope module pe_r11_c13 $end"), std::string::npos);
}

struct Waveform {
  std::map<std::string, int> width;  // full name -> bits
  uint64_t values = 0;               // value changes read
  std::string error;                 // the first problem found
};

// Reads a VCD's declarations and checks every value change against its
// variable's width.
Waveform ReadWaveform(const std::string &text) {
  Waveform w;
  std::map<std::string, std::string> name_of;  // id -> full name
  std::istringstream in(text);
  std::string tok;
  std::vector<std::string> scope;
  bool defs = true;
  auto fail = [&](const std::string &why) {
    if (w.error.empty()) w.error = why;
  };
  while (in >> tok) {
    if (defs) {
      if (tok == "$scope") {
        std::string kind, name, end;
        in >> kind >> name >> end;
        scope.push_back(name);
      } else if (tok == "$upscope") {
        in >> tok;
        if (!scope.empty()) scope.pop_back();
      } else if (tok == "$var") {
        std::string kind, id, name, end;
        int bits = 0;
        in >> kind >> bits >> id >> name >> end;
        std::string full;
        for (auto &s : scope) full += s + ".";
        full += name;
        name_of[id] = full;
        w.width[full] = bits;
        if (bits < 1 || bits > 64) fail("bad width of " + full);
      } else if (tok == "$enddefinitions") {
        in >> tok;
        defs = false;
      } else if (tok == "$version" || tok == "$timescale") {
        while (in >> tok && tok != "$end") {
        }
      }
      continue;
    }
    if (tok[0] == '#') continue;
    std::string id, bits;
    if (tok[0] == 'b') {
      bits = tok.substr(1);
      in >> id;
    } else {
      bits = tok.substr(0, 1);
      id = tok.substr(1);
    }
    auto it = name_of.find(id);
    if (it == name_of.end()) {
      fail("undeclared id " + id);
      continue;
    }
    w.values++;
    if ((int)bits.size() > w.width[it->second])
      fail(it->second + ": value b" + bits + " is wider than its " +
           std::to_string(w.width[it->second]) + " bits");
  }
  return w;
}

TEST(RobustVcd, WidthsFollowTheArchitectureOnLargeArrays) {
  TempDir t;
  // 32 x 32 PEs, the whole run in the window: every value fits its variable.
  auto r = Eyesim(std::string("run eyeriss_v1_32x32 ") + kTinyNet + " -q --vcd " + t.File("a.vcd") +
                  " --vcd-window 0:10000000");
  ASSERT_EQ(r.status, 0) << r.err;
  Waveform a = ReadWaveform(ReadFile(t.File("a.vcd")));
  EXPECT_EQ(a.error, "");
  EXPECT_GT(a.values, 10000u);
  EXPECT_EQ(a.width["top.noc.ifmap.cast"], 11);  // up to 1024 PEs
  EXPECT_EQ(a.width["top.noc.psum.local_words"], 11);
  EXPECT_EQ(a.width["top.array.pe_r31_c31.ifmap_words"], 5);  // 12 + 4 words
  EXPECT_EQ(a.width["top.array.pe_r31_c31.psum_words"], 5);   // 24 words
  EXPECT_EQ(a.width["top.glb.bank_26.reads"], 1);             // one port
  EXPECT_EQ(a.width["top.dram.bytes_in_flight"], 64);
  // 256 x 256 PEs with the widest spads, FIFOs, buses and ports the keys allow:
  // 16 bits no longer hold a count of PEs or an ifmap spad's words.
  r = Eyesim(std::string("run eyeriss_v1 ") + kTinyNet +
             " -q --layers c3 --set pe_array.rows=256 --set pe_array.cols=256"
             " --set pe.ifmap_spad_words=65535 --set pe.ifmap_fifo_words=64"
             " --set pe.psum_spad_words=65535 --set noc.ifmap_words_per_cycle=64"
             " --set noc.psum_words_per_cycle=64 --set noc.gon_words_per_cycle=33"
             " --set glb.bank_ports=16 --vcd " +
             t.File("b.vcd") +
             " --vcd-window 0:3000 --vcd-signals"
             " 'top.noc.*,top.array.pe_r255_c255.*,top.array.pe_r0_c0.*,top.glb.bank_0.*'");
  ASSERT_EQ(r.status, 0) << r.err;
  Waveform b = ReadWaveform(ReadFile(t.File("b.vcd")));
  EXPECT_EQ(b.error, "");
  const std::map<std::string, int> want = {{"top.noc.ifmap.valid", 1},
                                           {"top.noc.ifmap.ready", 7},
                                           {"top.noc.ifmap.cast", 17},
                                           {"top.noc.filter.busy", 1},
                                           {"top.noc.psum.gin_words", 7},
                                           {"top.noc.psum.local_words", 17},
                                           {"top.noc.psum.gon_words", 6},
                                           {"top.array.pe_r0_c0.state", 3},
                                           {"top.array.pe_r0_c0.mac", 1},
                                           {"top.array.pe_r0_c0.ifmap_words", 17},
                                           {"top.array.pe_r0_c0.psum_words", 16},
                                           {"top.array.pe_r255_c255.state", 3},
                                           {"top.array.pe_r255_c255.mac", 1},
                                           {"top.array.pe_r255_c255.ifmap_words", 17},
                                           {"top.array.pe_r255_c255.psum_words", 16},
                                           {"top.glb.bank_0.reads", 5},
                                           {"top.glb.bank_0.writes", 5}};
  EXPECT_EQ(b.width, want);
}

// ---------------------------------------------------------------- replayed activations

TEST(RobustReplay, TheHeaderSaysWhereTheActivationsComeFrom) {
  TempDir t;
  const std::string head =
      "eyesim " EY_VERSION_STRING " - cycle-level simulation (fast stepping, seed 1, ";
  auto plain = Eyesim(std::string("run eyeriss_v1 ") + kTinyNet + " --zeros 0.25");
  ASSERT_EQ(plain.status, 0) << plain.err;
  EXPECT_EQ(FirstLine(plain.out), head + "0.25 zeros)");
  ASSERT_EQ(Eyesim(std::string("trace synth ") + kTinyNet + " -o " + t.File("all.gz")).status, 0);
  auto all =
      Eyesim(std::string("run eyeriss_v1 ") + kTinyNet + " --activations " + t.File("all.gz"));
  ASSERT_EQ(all.status, 0) << all.err;
  EXPECT_EQ(FirstLine(all.out), head + "activations from " + t.File("all.gz") + ")");
  ASSERT_EQ(
      Eyesim(std::string("trace synth ") + kTinyNet + " --layers c1..c2 -o " + t.File("some.gz"))
          .status,
      0);
  auto some = Eyesim(std::string("run eyeriss_v1 ") + kTinyNet +
                     " --zeros 0.5 --check --activations " + t.File("some.gz"));
  ASSERT_EQ(some.status, 0) << some.err;
  EXPECT_EQ(FirstLine(some.out), head + "activations from " + t.File("some.gz") +
                                     " for 2 of 4 layers, the others synthetic with 0.50 zeros), "
                                     "outputs checked against the golden convolution");
  EXPECT_NE(some.out.find("activations replayed from " + t.File("some.gz") +
                          ": c1, c2 (the others synthetic)\n"),
            std::string::npos)
      << some.out;
}

}  // namespace
