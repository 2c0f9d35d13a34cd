// sweep_test.cc - design-space sweeps: specs expand to the expected points in the
// documented order; bad specs fail on one line naming the line and key; invalid
// points are recorded with their reason; outputs do not depend on -j; a killed
// sweep resumes without recomputing a finished point; shards merge to the
// unsharded result; a real Slurm job array gives the same bytes.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "test_util.h"

extern "C" {
#include "sim/sweep/sweep.h"
}

using eytest::Eyesim;
using eytest::FileExists;
using eytest::ReadFile;
using eytest::TempDir;
using eytest::WriteFile;

namespace {

const std::string kSrc = EY_SRC_DIR;
const std::string kConfigs = kSrc + "/configs";

struct Spec {
  ey_sweep sw{};
  ey_rc rc;
  ey_err err{};
  Spec(const TempDir &t, const std::string &yaml) {
    std::string path = t.File("spec.yaml");
    WriteFile(path, yaml);
    rc = ey_sweep_load(path.c_str(), kConfigs.c_str(), &sw, &err);
  }
  ~Spec() {
    ey_sweep_free(&sw);
  }
  ey_sweep_point Point(long i) const {
    ey_sweep_point p;
    ey_sweep_point_at(&sw, i, &p);
    return p;
  }
};

// Every axis form at once. The expected points come from nested loops written
// here in the documented order (networks, batches, then the axes as written,
// the last fastest), not from the expansion code.
TEST(SweepSpec, EveryAxisFormExpandsInOrder) {
  TempDir t;
  Spec s(t,
         "arch: eyeriss_v1\n"
         "nets: [alexnet, {net: " +
             kSrc +
             "/tests/data/tiny.yaml, layers: c1..c2}]\n"
             "batch: [1, 2]\n"
             "axes:\n"
             "  - pe.ifmap_spad_words: 12\n"
             "  - glb.size_kb: {from: 64, to: 512, factor: 2}\n"
             "  - zip: {pe_array.rows: [8, 16], pe_array.cols: [10, 20]}\n"
             "  - noc.filter_words_per_cycle: {from: 1, to: 7, step: 3}\n"
             "derived:\n"
             "  glb.filter_kb: round(glb.size_kb / 16) + pe_array.rows - 8\n");
  ASSERT_EQ(s.rc, EY_OK) << s.err.msg;
  ASSERT_EQ(s.sw.ncols, 6);
  const char *cols[] = {
      "pe.ifmap_spad_words",        "glb.size_kb",  "pe_array.rows", "pe_array.cols",
      "noc.filter_words_per_cycle", "glb.filter_kb"};
  for (int c = 0; c < 6; c++) EXPECT_STREQ(s.sw.cols[c], cols[c]);
  ASSERT_EQ(s.sw.npoints, 2 * 2 * 1 * 4 * 2 * 3);
  EXPECT_EQ(s.sw.nets[1].net.nlayers, 2);  // the layer selection applied
  long i = 0;
  const int glb[] = {64, 128, 256, 512}, rows[] = {8, 16}, colsv[] = {10, 20}, fw[] = {1, 4, 7};
  for (int net = 0; net < 2; net++)
    for (int b : {1, 2})
      for (int g = 0; g < 4; g++)
        for (int z = 0; z < 2; z++)
          for (int f = 0; f < 3; f++, i++) {
            ey_sweep_point p = s.Point(i);
            SCOPED_TRACE("point " + std::to_string(i));
            EXPECT_EQ(p.net, net);
            EXPECT_EQ(p.batch, b);
            ASSERT_TRUE(p.valid) << p.why;
            EXPECT_EQ(p.arch.ifmap_spad_words, 12);
            EXPECT_EQ(p.arch.glb_kb, glb[g]);
            EXPECT_EQ(p.arch.rows, rows[z]);
            EXPECT_EQ(p.arch.cols, colsv[z]);
            EXPECT_EQ(p.arch.noc_filter_wpc, fw[f]);
            int filter_kb = glb[g] / 16 + rows[z] - 8;
            EXPECT_EQ(p.arch.glb_filter_kb, filter_kb);
            EXPECT_EQ(std::string(p.cols[1]), std::to_string(glb[g]));
            EXPECT_EQ(std::string(p.cols[5]), std::to_string(filter_kb));
            // Keys nobody swept keep the base architecture's values.
            EXPECT_EQ(p.arch.psum_spad_words, 24);
            EXPECT_EQ(p.arch.glb_banks, 27);
          }
}

TEST(SweepSpec, MappingFormScalarsAndDefaults) {
  TempDir t;
  // axes as a mapping: each key an axis, in the order written; no batch: the
  // network's own; a range of reals; set: applies to every point.
  Spec s(t,
         "arch: eyeriss_v1\nnets: [alexnet]\n"
         "set: {glb.banks: 9}\n"
         "axes: {pe_array.rows: [4, 6], energy.dram: {from: 100, to: 250, step: 50}}\n");
  ASSERT_EQ(s.rc, EY_OK) << s.err.msg;
  ASSERT_EQ(s.sw.npoints, 8);
  EXPECT_STREQ(s.sw.name, "spec");  // the file's name
  ey_sweep_point p = s.Point(5);    // rows 6, dram 150
  EXPECT_EQ(p.batch, 4);            // alexnet.yaml's batch
  EXPECT_EQ(p.arch.rows, 6);
  EXPECT_DOUBLE_EQ(p.arch.e_dram, 150);
  EXPECT_EQ(p.arch.glb_banks, 9);
  EXPECT_STREQ(p.cols[1], "150");
  // The same point twice has the same key; another point another key.
  EXPECT_EQ(s.Point(5).key, p.key);
  EXPECT_NE(s.Point(4).key, p.key);
}

TEST(SweepSpec, InvalidPointsCarryTheirReason) {
  TempDir t;
  Spec s(t,
         "arch: eyeriss_v1\nnets: [alexnet]\n"
         "axes:\n  - pe_array.rows: [0, 5, 8]\n  - glb.filter_kb: [4, 200]\n"
         "derived:\n  pe_array.cols: pe_array.rows * 1.5\n");
  ASSERT_EQ(s.rc, EY_OK) << s.err.msg;
  ASSERT_EQ(s.sw.npoints, 6);
  std::string spec = t.File("spec.yaml");
  ey_sweep_point p0 = s.Point(0);
  EXPECT_FALSE(p0.valid);
  EXPECT_EQ(std::string(p0.why),
            spec + ":4: pe_array.rows: must be an integer from 1 to 1024 (got 0)");
  ey_sweep_point p2 = s.Point(2);  // rows 5: cols 7.5
  EXPECT_FALSE(p2.valid);
  EXPECT_EQ(
      std::string(p2.why),
      spec + ":7: pe_array.cols: expected a whole number (got 7.5; use round, floor or ceil)");
  ey_sweep_point p4 = s.Point(4);  // rows 8, filter_kb 4: valid, cols 12
  EXPECT_TRUE(p4.valid) << p4.why;
  EXPECT_EQ(p4.arch.cols, 12);
  ey_sweep_point p5 = s.Point(5);  // filter 200 KiB of a 108 KiB GLB
  EXPECT_FALSE(p5.valid);
  EXPECT_EQ(std::string(p5.why),
            spec + ": point 5: glb.filter_kb: must be less than glb.size_kb (108) (got 200)");
}

TEST(SweepSpec, FormulasEvaluateAsWritten) {
  ey_arch a = eytest::LoadArch("eyeriss_v1");  // 12 x 14, GLB 108
  struct {
    const char *expr;
    double want;
  } ok[] = {{"1 + 2 * 3", 7},
            {"(1 + 2) * 3", 9},
            {"-pe_array.rows + 20", 8},
            {"pe_array.rows * pe_array.cols", 168},
            {"108 * 16 * 16 / 168", 108.0 * 256 / 168},
            {"round(2.5)", 3},
            {"floor(2.9) + ceil(2.1)", 5},
            {"min(glb.size_kb, 64) + max(1, 2)", 66},
            {"pe.zero_gating", 1}};
  for (auto &c : ok) {
    double v = -1;
    ey_err err;
    ASSERT_EQ(ey_sweep_eval(c.expr, &a, &v, &err), EY_OK) << c.expr << ": " << err.msg;
    EXPECT_DOUBLE_EQ(v, c.want) << c.expr;
  }
  struct {
    const char *expr;
    const char *msg;
  } bad[] = {{"1 +", "unexpected end at column 4 of '1 +'"},
             {"pe_array.rowz * 2", "unknown key or function pe_array.rowz at column 1 of"},
             {"sqrt(4)", "unknown function sqrt (round, floor, ceil, min, max)"},
             {"noc.impl + 1", "noc.impl is not a number"},
             {"4 / (2 - 2)", "division by zero"},
             {"min(1)", "expected ','"},
             {"(1 + 2", "expected ')'"},
             {"2 3", "unexpected text at column 3"}};
  for (auto &c : bad) {
    double v;
    ey_err err;
    EXPECT_EQ(ey_sweep_eval(c.expr, &a, &v, &err), EY_CONFIG) << c.expr;
    EXPECT_NE(std::string(err.msg).find(c.msg), std::string::npos) << c.expr << " -> " << err.msg;
  }
}

TEST(SweepSpec, BadSpecsFailOnOneLineNamingLineAndKey) {
  const std::string head = "arch: eyeriss_v1\nnets: [alexnet]\n";
  struct {
    std::string yaml;
    std::string msg;  // after "SPEC:"
  } cases[] = {
      {"nets: [alexnet]\n", "1: arch: required but not given"},
      {"arch: eyeriss_v1\n", "1: nets: required but not given"},
      {head + "axis: {pe_array.rows: [8]}\n", "3: axis: unknown key (expected name, arch"},
      {head + "axes: {pe_array.rowz: [8]}\n",
       "3: pe_array.rowz: unknown key (did you mean pe_array.rows?)"},
      {head + "axes:\n  - zip: {pe_array.rows: [8, 16], pe_array.cols: [8]}\n",
       "4: pe_array.cols: expected 2 values, as pe_array.rows has in this zip (got 1)"},
      {head + "axes: {glb.size_kb: {from: 64, to: 512, factor: 2, step: 8}}\n",
       "3: glb.size_kb: expected a range with exactly one of factor and step (got both)"},
      {head + "axes: {glb.size_kb: {from: 512, to: 64, factor: 2}}\n",
       "3: glb.size_kb: expected from <= to (got from 512, to 64)"},
      {head + "axes: {glb.size_kb: {from: 64, to: 512, factor: 1}}\n",
       "3: glb.size_kb: expected factor > 1 (got 1)"},
      {head + "axes: {glb.size_kb: {from: 10, to: 512, factor: 1.5}}\n",
       "3: glb.size_kb: expected whole numbers for an integer key (the range reaches 22.5)"},
      {head + "axes: {glb.size_kb: {from: 64}}\n",
       "3: glb.size_kb: expected a range {from, to, factor or step} (no to)"},
      {head + "axes: {glb.size_kb: {from: 64, upto: 9}}\n",
       "3: glb.size_kb: expected a range with from, to and factor or step (got upto)"},
      {head + "axes: {pe_array.rows: []}\n",
       "3: pe_array.rows: expected at least one value (got an empty list)"},
      {head + "axes: {pe_array.rows: [8, 8]}\n",
       "3: pe_array.rows: expected each value once (got 8 twice)"},
      {head + "axes:\n  - pe_array.rows: [8]\n  - pe_array.rows: [9]\n",
       "5: pe_array.rows: expected a key swept once (it is also swept by another axis)"},
      {head + "set: {pe_array.rows: 8}\naxes: {pe_array.rows: [9]}\n",
       "4: pe_array.rows: expected a key swept once (it is also fixed by set:)"},
      {head + "set: {pe_array.rows: -1}\n",
       "3: pe_array.rows: must be an integer from 1 to 1024 (got -1)"},
      {head + "axes: {pe_array.rows: [8]}\nderived: {pe_array.rows: 2 * 4}\n",
       "4: pe_array.rows: expected a key derived once and not swept (it is also swept by another "
       "axis)"},
      {head + "derived: {glb.size_kb: 2 *}\n",
       "3: glb.size_kb: unexpected end at column 4 of '2 *'"},
      {head + "derived: {noc.impl: 1}\n",
       "3: noc.impl: expected a numeric key to derive (it is a name)"},
      {head + "axes: [{zip: [1, 2]}]\n", "3: zip: expected a mapping (got a list)"},
      {head + "axes: {zip: {pe_array.rows: [8]}}\n", "3: axes: expected zip inside a list of axes"},
      {head + "batch: 0\n",
       "3: batch: expected an integer from 1 to 65536, or a list of them (got 0)"},
      {head + "batch: [1, 1]\n", "3: batch: expected each batch once (got 1 twice)"},
      {head + "zeros: 2\n", "3: zeros: expected a number from 0 to 1 (got 2)"},
      {head + "objective: speed\n", "3: objective: expected energy, cycles or edp (got speed)"},
      {head + "analytic: yes please\n", "3: analytic: expected true or false (got yes please)"},
      {head + "analytic: true\ncheck: true\n", "4: check: expected false with analytic: true"},
      {"arch: eyeriss_v9\nnets: [alexnet]\n",
       "1: arch: expected an architecture file or a shipped name (got eyeriss_v9"},
      {"arch: eyeriss_v1\nnets: []\n", "2: nets: expected a list of networks (got a list)"},
      {"arch: eyeriss_v1\nnets: [alexnt]\n",
       "2: nets[0]: expected a network file or a shipped name (got alexnt"},
      {"arch: eyeriss_v1\nnets: [{net: alexnet, layers: conv9}]\n", "2: nets[0]: "},
      {"arch: eyeriss_v1\nnets: [alexnet, alexnet]\n",
       "2: nets[1]: expected each network once (got alexnet twice)"},
      {head + "arch: eyeriss_v1\n", "3: arch: duplicate key (first at line 1)"},
  };
  for (auto &c : cases) {
    TempDir t;
    Spec s(t, c.yaml);
    EXPECT_NE(s.rc, EY_OK) << c.yaml;
    std::string want = t.File("spec.yaml") + ":" + c.msg;
    EXPECT_EQ(std::string(s.err.msg).substr(0, want.size()), want) << c.yaml;
    EXPECT_EQ(std::string(s.err.msg).find('\n'), std::string::npos);
  }
}

// ------------------------------------------------------------------ the command

// A small analytic sweep with every status: on a 4-row array neither AlexNet's
// CONV1 and CONV2 (11 and 5 filter rows) nor tiny's FC layer (8 rows) can map
// (nomap); a 200 KiB filter region does not fit the 108 KiB GLB (invalid); the
// rest are ok.
const char *kSmall =
    "name: small\n"
    "arch: eyeriss_v1\n"
    "nets:\n"
    "  - {net: alexnet, layers: conv1..conv2}\n"
    "  - " EY_SRC_DIR
    "/tests/data/tiny.yaml\n"
    "batch: 1\n"
    "analytic: true\n"
    "axes:\n"
    "  - pe_array.rows: [4, 12]\n"
    "  - glb.filter_kb: [8, 200]\n";

// The file name of point i's record: its key, from the spec (as the sweep names it).
std::string RecordOf(const std::string &spec, long i) {
  ey_sweep sw;
  ey_err err;
  EXPECT_EQ(ey_sweep_load(spec.c_str(), kConfigs.c_str(), &sw, &err), EY_OK) << err.msg;
  ey_sweep_point p;
  ey_sweep_point_at(&sw, i, &p);
  ey_sweep_free(&sw);
  char name[32];
  snprintf(name, sizeof name, "%016llx.rec", (unsigned long long)p.key);
  return name;
}

int CountRecords(const std::string &dir, std::map<std::string, ino_t> *inodes = nullptr) {
  DIR *d = opendir(dir.c_str());
  if (!d) return 0;
  int n = 0;
  while (struct dirent *e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".rec") == 0 &&
        name.find(".tmp") == std::string::npos) {
      n++;
      struct stat st;
      if (inodes && stat((dir + "/" + name).c_str(), &st) == 0) (*inodes)[name] = st.st_ino;
    }
  }
  closedir(d);
  return n;
}

struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  int Col(const std::string &name) const {
    for (size_t i = 0; i < header.size(); i++)
      if (header[i] == name) return (int)i;
    ADD_FAILURE() << "no column " << name;
    return 0;
  }
};

std::vector<std::string> SplitCsvLine(const std::string &line) {
  std::vector<std::string> out;
  std::string cur;
  bool q = false;
  for (size_t i = 0; i < line.size(); i++) {
    char c = line[i];
    if (q) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        i++;
      } else if (c == '"') {
        q = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      q = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

Csv ParseCsv(const std::string &text) {
  Csv c;
  std::istringstream in(text);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (first)
      c.header = SplitCsvLine(line);
    else
      c.rows.push_back(SplitCsvLine(line));
    first = false;
  }
  return c;
}

// The number in "(N computed, M already done)" of the summary line.
long Counted(const std::string &out, const std::string &what) {
  size_t at = out.find(" " + what);
  if (at == std::string::npos) return -1;
  size_t b = out.find_last_not_of("0123456789", at - 1);
  return std::stol(out.substr(b + 1, at - b - 1));
}

TEST(SweepCli, StatusesRowsAndTotalsAreRight) {
  TempDir t;
  WriteFile(t.File("s.yaml"), kSmall);
  auto r = Eyesim("sweep " + t.File("s.yaml") + " -o " + t.File("o") + " -j2");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("sweep small: 8 points (8 computed, 0 already done): 2 ok, 2 nomap, 4 "
                       "invalid, 0 error, 0 failed"),
            std::string::npos)
      << r.out;
  Csv c = ParseCsv(ReadFile(t.File("o/sweep.csv")));
  ASSERT_GE(c.header.size(), 10u);
  EXPECT_EQ(c.header[0], "point");
  EXPECT_EQ(c.header[1], "pe_array.rows");
  EXPECT_EQ(c.header[2], "glb.filter_kb");
  EXPECT_EQ(c.header[3], "status");
  EXPECT_EQ(c.header[4], "arch");
  // Rows: per point its layers then `total`, points in order.
  std::map<std::string, std::string> status;  // "point" -> total row's status
  long last = -1;
  for (auto &row : c.rows) {
    ASSERT_EQ(row.size(), c.header.size());
    long p = std::stol(row[0]);
    EXPECT_GE(p, last);
    last = p;
    if (row[c.Col("layer")] == "total") status[row[0]] = row[3];
  }
  ASSERT_EQ(status.size(), 8u);
  // Per network: (4, 8) nomap, (4, 200) invalid, (12, 8) ok, (12, 200) invalid.
  const char *want[] = {"nomap", "invalid", "ok", "invalid", "nomap", "invalid", "ok", "invalid"};
  for (int p = 0; p < 8; p++) EXPECT_EQ(status[std::to_string(p)], want[p]) << p;
  // A total row sums its layer rows.
  for (const char *col :
       {"cycles", "macs", "dram_bytes", "glb_ifmap_reads", "energy_total", "energy_dram"}) {
    double sum = 0, total = -1;
    for (auto &row : c.rows) {
      if (row[0] != "2") continue;
      if (row[c.Col("layer")] == "total")
        total = std::stod(row[c.Col(col)]);
      else
        sum += std::stod(row[c.Col(col)]);
    }
    EXPECT_NEAR(total, sum, 1e-6 * sum + 1e-6) << col;
  }
  // The nomap row names the layer and why; the invalid row names the rule.
  std::string csv = ReadFile(t.File("o/sweep.csv"));
  EXPECT_NE(csv.find("2 of 2 layers cannot map; conv1: R: a filter of height 11 needs 11 PE rows"),
            std::string::npos);
  EXPECT_NE(csv.find("glb.filter_kb: must be less than glb.size_kb (108) (got 200)"),
            std::string::npos);
  // One JSON line per point, in order, with the full report for points that ran.
  std::istringstream js(ReadFile(t.File("o/sweep.jsonl")));
  std::string line;
  int n = 0;
  while (std::getline(js, line)) {
    EXPECT_EQ(line.rfind("{\"point\":" + std::to_string(n) + ",", 0), 0u) << line.substr(0, 80);
    bool has_report = line.find("\"report\":{") != std::string::npos;
    EXPECT_EQ(has_report, std::string(want[n]) != "invalid") << n;
    n++;
  }
  EXPECT_EQ(n, 8);
}

// What a sweep reports for a point is what `eyesim run` reports for that
// architecture: the layer rows agree column for column.
TEST(SweepCli, PointRowsEqualARunWithTheSameSettings) {
  TempDir t;
  WriteFile(t.File("s.yaml"), kSmall);
  ASSERT_EQ(Eyesim("sweep " + t.File("s.yaml") + " -o " + t.File("o") + " -q").status, 0);
  auto r = Eyesim(
      "run eyeriss_v1 tests/data/tiny.yaml --batch 1 --analytic --set pe_array.rows=12 "
      "--set glb.filter_kb=8 -q --csv " +
      t.File("run.csv"));
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream run(ReadFile(t.File("run.csv")));
  std::string line, sweep = ReadFile(t.File("o/sweep.csv"));
  std::getline(run, line);  // header
  int rows = 0;
  while (std::getline(run, line)) {
    EXPECT_NE(sweep.find("\n6,12,8,ok," + line + "\n"), std::string::npos) << line;
    rows++;
  }
  EXPECT_EQ(rows, 4);
}

TEST(SweepCli, OneOrTwoWorkersGiveTheSameBytes) {
  TempDir t;
  WriteFile(t.File("s.yaml"), kSmall);
  ASSERT_EQ(Eyesim("sweep " + t.File("s.yaml") + " -o " + t.File("a") + " -j1 -q").status, 0);
  ASSERT_EQ(Eyesim("sweep " + t.File("s.yaml") + " -o " + t.File("b") + " -j 2 -q").status, 0);
  ASSERT_GT(ReadFile(t.File("a/sweep.csv")).size(), 1000u);
  EXPECT_EQ(ReadFile(t.File("a/sweep.csv")), ReadFile(t.File("b/sweep.csv")));
  EXPECT_EQ(ReadFile(t.File("a/sweep.jsonl")), ReadFile(t.File("b/sweep.jsonl")));
  EXPECT_FALSE(FileExists(t.File("a/sweep.csv.part")));
}

TEST(SweepCli, AChangedSpecIsRefusedUnlessForced) {
  TempDir t;
  WriteFile(t.File("s.yaml"), kSmall);
  ASSERT_EQ(Eyesim("sweep " + t.File("s.yaml") + " -o " + t.File("o") + " -q").status, 0);
  auto same = Eyesim("sweep " + t.File("s.yaml") + " -o " + t.File("o"));
  ASSERT_EQ(same.status, 0) << same.err;
  EXPECT_NE(same.out.find("(0 computed, 8 already done)"), std::string::npos) << same.out;
  std::string changed = kSmall;
  changed.replace(changed.find("[4, 12]"), 7, "[4, 14]");
  WriteFile(t.File("s.yaml"), changed);
  auto r = Eyesim("sweep " + t.File("s.yaml") + " -o " + t.File("o"));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eyesim: " + t.File("o") +
                       ": holds the results of another sweep (the spec, or a file it names, has "
                       "changed); re-run with "
                       "--force to take it over (the points whose inputs did not change are kept), "
                       "or choose another "
                       "-o\n");
  // --force: the points the change left alone (the four on 4-row arrays) are
  // reused; the others are computed, and the old sweep's other records removed.
  auto f = Eyesim("sweep " + t.File("s.yaml") + " -o " + t.File("o") + " --force");
  ASSERT_EQ(f.status, 0) << f.err;
  EXPECT_NE(f.out.find("(4 computed, 4 already done)"), std::string::npos) << f.out;
  EXPECT_EQ(CountRecords(t.File("o/points")), 8);
  ASSERT_EQ(Eyesim("sweep " + t.File("s.yaml") + " -o " + t.File("fresh") + " -q").status, 0);
  EXPECT_EQ(ReadFile(t.File("o/sweep.csv")), ReadFile(t.File("fresh/sweep.csv")));
  // A folder that is not a sweep's is never written into.
  mkdir(t.File("other").c_str(), 0777);
  WriteFile(t.File("other/notes.txt"), "mine");
  auto o = Eyesim("sweep " + t.File("s.yaml") + " -o " + t.File("other"));
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("exists and is not a sweep folder"), std::string::npos) << o.err;
  EXPECT_EQ(ReadFile(t.File("other/notes.txt")), "mine");
}

TEST(SweepCli, ACorruptRecordIsComputedAgain) {
  TempDir t;
  WriteFile(t.File("s.yaml"), kSmall);
  ASSERT_EQ(Eyesim("sweep " + t.File("s.yaml") + " -o " + t.File("o") + " -q").status, 0);
  std::string want = ReadFile(t.File("o/sweep.csv"));
  const std::string two = t.File("o/points/" + RecordOf(t.File("s.yaml"), 2));
  std::string rec = ReadFile(two);
  ASSERT_GT(rec.size(), 100u);
  WriteFile(two, rec.substr(0, rec.size() / 2));  // torn
  auto r = Eyesim("sweep " + t.File("s.yaml") + " -o " + t.File("o"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("(1 computed, 7 already done)"), std::string::npos) << r.out;
  EXPECT_EQ(ReadFile(t.File("o/sweep.csv")), want);
  EXPECT_EQ(ReadFile(two), rec);
}

TEST(SweepCli, UsageErrors) {
  TempDir t;
  WriteFile(t.File("s.yaml"), kSmall);
  const std::string s = t.File("s.yaml");
  struct {
    std::string args;
    int status;
    std::string err;
  } cases[] = {
      {"sweep", 2, "usage: eyesim sweep SPEC"},
      {"sweep " + s, 2, "eyesim: `eyesim sweep` needs -o DIR (see `eyesim help`)\n"},
      {"sweep " + s + " -o x --shard 0/3", 2,
       "eyesim: --shard: expected I/N with 1 <= I <= N (got 0/3)"},
      {"sweep " + s + " -o x --shard 4/3", 2,
       "eyesim: --shard: expected I/N with 1 <= I <= N (got 4/3)"},
      {"sweep " + s + " -o x -j 0", 2, "eyesim: -j: must be an integer from 1 to 1024 (got 0)"},
      {"sweep " + s + " -o x --array-size 3", 2, "eyesim: --array-size goes with --slurm"},
      {"sweep " + s + " -o x --slurm -p debug", 2,
       "eyesim: -p: unknown option for `eyesim sweep` (sbatch options go as --name=value)"},
      {"sweep " + s + " -o x --frobnicate", 2,
       "eyesim: --frobnicate: unknown option for `eyesim sweep`"},
      {"sweep merge " + t.File("nothing"), 2, "eyesim: `eyesim sweep merge` needs DIR and -o OUT"},
      {"sweep " + t.File("missing.yaml") + " -o x", 1,
       "eyesim: " + t.File("missing.yaml") + ": cannot open"},
  };
  for (auto &c : cases) {
    auto r = Eyesim(c.args);
    EXPECT_EQ(r.status, c.status) << c.args;
    EXPECT_EQ(r.err.substr(0, c.err.size()), c.err) << c.args << "\n" << r.err;
  }
  EXPECT_FALSE(FileExists(kSrc + "/x"));
  auto h = Eyesim("help sweep");
  EXPECT_EQ(h.status, 0);
  EXPECT_NE(h.out.find("--shard I/N"), std::string::npos);
  auto l = Eyesim("sweep " + s + " --list");
  ASSERT_EQ(l.status, 0) << l.err;
  EXPECT_EQ(l.out.substr(0, l.out.find('\n')),
            "point,pe_array.rows,glb.filter_kb,net,batch,valid,reason");
  EXPECT_NE(l.out.find("\n2,12,8,alexnet,1,1,\n"), std::string::npos) << l.out;
}

// ------------------------------------------------------------------ interrupted sweeps

pid_t Spawn(const std::vector<std::string> &args, const std::string &log) {
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(EY_SRC_DIR)) _exit(126);
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char *> argv;
    for (auto &a : args) argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    execv(EY_BIN, argv.data());
    _exit(127);
  }
  return pid;
}

// Waits until no process holds the sweep folder's lock: the killed sweep's
// workers are gone too.
bool WaitForLock(const std::string &dir) {
  for (int i = 0; i < 1000; i++) {
    int fd = open((dir + "/.lock").c_str(), O_RDWR);
    if (fd < 0) return false;
    bool free_now = flock(fd, LOCK_EX | LOCK_NB) == 0;
    close(fd);
    if (free_now) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(SweepCli, AKilledSweepResumesWithoutRecomputing) {
  TempDir t;
  // 16 cycle-level points of a fraction of a second each.
  WriteFile(t.File("s.yaml"), "arch: eyeriss_v1\nnets: [" + kSrc +
                                  "/tests/data/mid.yaml]\n"
                                  "axes: {pe_array.cols: {from: 6, to: 21, step: 1}}\n");
  const std::string out = t.File("o");
  pid_t pid = Spawn({"eyesim", "sweep", t.File("s.yaml"), "-o", out, "-j", "2"}, t.File("log1"));
  ASSERT_GT(pid, 0);
  // Kill it (SIGKILL: no chance to clean up) once a few points are on disk.
  int before_kill = 0;
  for (int i = 0; i < 6000 && (before_kill = CountRecords(out + "/points")) < 3; i++)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  kill(pid, SIGKILL);
  int st;
  ASSERT_EQ(waitpid(pid, &st, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(st)) << "the sweep ended before it could be killed: "
                               << ReadFile(t.File("log1"));
  ASSERT_TRUE(WaitForLock(out));
  std::map<std::string, ino_t> kept;
  int done = CountRecords(out + "/points", &kept);
  ASSERT_GE(done, 3);
  ASSERT_LT(done, 16) << "nothing left to resume";
  EXPECT_FALSE(FileExists(out + "/sweep.csv"));  // only the .part outputs of an unfinished sweep
  auto r = Eyesim("sweep " + t.File("s.yaml") + " -o " + out + " -j 2");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Counted(r.out, "computed"), 16 - done) << r.out;
  EXPECT_EQ(Counted(r.out, "already done"), done) << r.out;
  // The finished points' files were not rewritten (a rewrite renames a new file in).
  std::map<std::string, ino_t> after;
  EXPECT_EQ(CountRecords(out + "/points", &after), 16);
  for (auto &k : kept) EXPECT_EQ(after[k.first], k.second) << k.first;
  // The result equals an uninterrupted sweep's.
  ASSERT_EQ(Eyesim("sweep " + t.File("s.yaml") + " -o " + t.File("whole") + " -q").status, 0);
  EXPECT_EQ(ReadFile(out + "/sweep.csv"), ReadFile(t.File("whole/sweep.csv")));
  EXPECT_EQ(ReadFile(out + "/sweep.jsonl"), ReadFile(t.File("whole/sweep.jsonl")));
}

// Ctrl-C (SIGINT): the sweep stops its workers, keeps every finished point,
// says so and exits 130, leaving the folder free at once.
TEST(SweepCli, AnInterruptedSweepStopsItsWorkersAndKeepsItsPoints) {
  TempDir t;
  WriteFile(t.File("s.yaml"), "arch: eyeriss_v1\nnets: [" + kSrc +
                                  "/tests/data/mid.yaml]\n"
                                  "axes: {pe_array.cols: {from: 6, to: 17, step: 1}}\n");
  const std::string out = t.File("o");
  pid_t pid = Spawn({"eyesim", "sweep", t.File("s.yaml"), "-o", out, "-j", "2"}, t.File("log"));
  ASSERT_GT(pid, 0);
  for (int i = 0; i < 6000 && CountRecords(out + "/points") < 2; i++)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  kill(pid, SIGINT);
  int st;
  ASSERT_EQ(waitpid(pid, &st, 0), pid);
  ASSERT_TRUE(WIFEXITED(st)) << ReadFile(t.File("log"));
  EXPECT_EQ(WEXITSTATUS(st), 130);
  // No worker outlives the sweep: the lock is free now.
  int fd = open((out + "/.lock").c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(flock(fd, LOCK_EX | LOCK_NB), 0);
  close(fd);
  int done = CountRecords(out + "/points");
  EXPECT_GE(done, 2);
  EXPECT_LT(done, 12);
  std::string log = ReadFile(t.File("log"));
  EXPECT_NE(
      log.find("eyesim: sweep stopped by signal 2: " + std::to_string(done) +
               " of 12 points done and kept in " + out + "; run the same command again to finish"),
      std::string::npos)
      << log;
  EXPECT_FALSE(FileExists(out + "/sweep.csv"));
  auto r = Eyesim("sweep " + t.File("s.yaml") + " -o " + out + " -j 2");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Counted(r.out, "already done"), done) << r.out;
  EXPECT_EQ(Counted(r.out, "computed"), 12 - done) << r.out;
}

// The children of `parent`, from /proc/*/stat (field 4 is the parent's pid).
std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> kids;
  DIR *d = opendir("/proc");
  if (!d) return kids;
  while (struct dirent *e = readdir(d)) {
    char *end;
    long pid = strtol(e->d_name, &end, 10);
    if (*end || pid <= 0) continue;
    std::string stat = ReadFile("/proc/" + std::string(e->d_name) + "/stat");
    size_t close = stat.rfind(')');  // the command name may hold spaces
    if (close == std::string::npos) continue;
    std::istringstream in(stat.substr(close + 2));
    std::string state;
    long ppid = 0;
    in >> state >> ppid;
    if (ppid == parent) kids.push_back((pid_t)pid);
  }
  closedir(d);
  return kids;
}

// A worker that dies leaves its point `failed` in the outputs and the sweep
// exits 1; running the same command again retries that point only.
TEST(SweepCli, AWorkerThatDiesLeavesItsPointFailedAndARerunRetriesIt) {
  TempDir t;
  WriteFile(t.File("s.yaml"), "arch: eyeriss_v1\nnets: [" + kSrc +
                                  "/tests/data/mid.yaml]\n"
                                  "axes: {pe_array.cols: [10, 11, 12, 13]}\n");
  const std::string out = t.File("o");
  pid_t pid = Spawn({"eyesim", "sweep", t.File("s.yaml"), "-o", out, "-j", "1"}, t.File("log"));
  ASSERT_GT(pid, 0);
  pid_t victim = 0;
  for (int i = 0; i < 5000 && !victim; i++) {
    auto kids = ChildrenOf(pid);
    if (!kids.empty())
      victim = kids[0];
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_GT(victim, 0) << "no worker seen";
  kill(victim, SIGKILL);  // the first point's worker, well before it can finish
  int st;
  ASSERT_EQ(waitpid(pid, &st, 0), pid);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 1);
  std::string log = ReadFile(t.File("log"));
  EXPECT_NE(log.find("(4 computed, 0 already done): 3 ok, 0 nomap, 0 invalid, 0 error, 1 failed"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("eyesim: 1 point failed (status failed or error in " + out +
                     "/sweep.csv); run the same command again to retry the failed ones"),
            std::string::npos)
      << log;
  std::string csv = ReadFile(out + "/sweep.csv");
  EXPECT_NE(csv.find("\n0,10,failed,eyeriss_v1,mid,1,total,0,"), std::string::npos)
      << csv.substr(0, 400);
  EXPECT_NE(csv.find(",the worker was killed by signal 9\n"), std::string::npos);
  EXPECT_EQ(CountRecords(out + "/points"), 3);
  auto r = Eyesim("sweep " + t.File("s.yaml") + " -o " + out + " -j 1");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("(1 computed, 3 already done): 4 ok"), std::string::npos) << r.out;
  ASSERT_EQ(Eyesim("sweep " + t.File("s.yaml") + " -o " + t.File("whole") + " -q").status, 0);
  EXPECT_EQ(ReadFile(out + "/sweep.csv"), ReadFile(t.File("whole/sweep.csv")));
  EXPECT_EQ(ReadFile(out + "/sweep.jsonl"), ReadFile(t.File("whole/sweep.jsonl")));
}

TEST(SweepCli, ASecondSweepCannotShareAFolder) {
  TempDir t;
  WriteFile(t.File("s.yaml"), "arch: eyeriss_v1\nnets: [" + kSrc +
                                  "/tests/data/mid.yaml]\n"
                                  "axes: {pe_array.cols: {from: 6, to: 13, step: 1}}\n");
  pid_t pid =
      Spawn({"eyesim", "sweep", t.File("s.yaml"), "-o", t.File("o"), "-j", "1"}, t.File("log"));
  for (int i = 0; i < 2000 && !FileExists(t.File("o/manifest")); i++)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto r = Eyesim("sweep " + t.File("s.yaml") + " -o " + t.File("o"));
  int st;
  waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << ReadFile(t.File("log"));
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.err.find("another eyesim sweep is running in this folder"), std::string::npos)
      << r.err;
}

// ------------------------------------------------------------------ shards

TEST(SweepCli, ShardsMergeToTheUnshardedResult) {
  TempDir t;
  WriteFile(t.File("s.yaml"), kSmall);
  const std::string s = t.File("s.yaml");
  ASSERT_EQ(Eyesim("sweep " + s + " -o " + t.File("all") + " -j2 -q").status, 0);
  for (int i = 1; i <= 3; i++) {
    auto r = Eyesim("sweep " + s + " -o " + t.File("sh/part" + std::to_string(i)) + " --shard " +
                    std::to_string(i) + "/3 -q");
    ASSERT_EQ(r.status, 0) << r.err;
  }
  // Shard 2 of 3 holds points 1, 4 and 7.
  std::map<std::string, ino_t> recs;
  EXPECT_EQ(CountRecords(t.File("sh/part2/points"), &recs), 3);
  for (long p : {1, 4, 7}) EXPECT_TRUE(recs.count(RecordOf(s, p))) << p;
  auto m = Eyesim("sweep merge " + t.File("sh") + " -o " + t.File("merged"));
  ASSERT_EQ(m.status, 0) << m.err;
  EXPECT_EQ(m.out, "merged 8 points from 3 folders into " + t.File("merged") + "/sweep.csv and " +
                       t.File("merged") + "/sweep.jsonl\n");
  EXPECT_EQ(ReadFile(t.File("merged/sweep.csv")), ReadFile(t.File("all/sweep.csv")));
  EXPECT_EQ(ReadFile(t.File("merged/sweep.jsonl")), ReadFile(t.File("all/sweep.jsonl")));

  // An identical duplicate is reported and kept once; a differing one fails.
  const std::string zero = RecordOf(s, 0);
  std::string rec = ReadFile(t.File("sh/part1/points/" + zero));
  ASSERT_GT(rec.size(), 100u);
  WriteFile(t.File("sh/part3/points/" + zero), rec);
  auto d = Eyesim("sweep merge " + t.File("sh") + " -o " + t.File("merged2"));
  ASSERT_EQ(d.status, 0) << d.err;
  EXPECT_NE(d.out.find("(1 duplicate kept once)"), std::string::npos) << d.out;
  EXPECT_NE(d.err.find("point 0 is in"), std::string::npos) << d.err;
  EXPECT_EQ(ReadFile(t.File("merged2/sweep.csv")), ReadFile(t.File("all/sweep.csv")));
  std::string other = rec;
  other[other.size() - 3] = other[other.size() - 3] == '1' ? '2' : '1';
  WriteFile(t.File("sh/part3/points/" + zero), other);
  auto x = Eyesim("sweep merge " + t.File("sh") + " -o " + t.File("merged3"));
  EXPECT_EQ(x.status, 1);
  EXPECT_NE(x.err.find("point 0: "), std::string::npos) << x.err;
  EXPECT_NE(x.err.find(" differ"), std::string::npos) << x.err;
  unlink(t.File("sh/part3/points/" + zero).c_str());

  // A missing shard: its points are listed, and nothing is written.
  ASSERT_EQ(system(("rm -rf '" + t.File("sh/part2") + "'").c_str()), 0);
  auto g = Eyesim("sweep merge " + t.File("sh") + " -o " + t.File("gap"));
  EXPECT_EQ(g.status, 1);
  EXPECT_EQ(
      g.err,
      "eyesim: " + t.File("sh") +
          ": 3 of 8 points missing: 1 (shard 2/3), 4 (shard 2/3), 7 (shard 2/3); re-run those "
          "shards, then merge again\n");
  EXPECT_FALSE(FileExists(t.File("gap")));
}

// ------------------------------------------------------------------ plots

// How many times `what` occurs in `s`.
int Count(const std::string &s, const std::string &what) {
  int n = 0;
  for (size_t at = 0; (at = s.find(what, at)) != std::string::npos; at += what.size()) n++;
  return n;
}

// scripts/plot DIR/sweep.csv -o DIR/OUT [--format FMT]: its exit status; stdout
// and stderr land in DIR/OUT.out and DIR/OUT.err.
int Plot(const TempDir &t, const std::string &dir, const std::string &out, const std::string &fmt) {
  std::string cmd = "cd '" + kSrc + "' && scripts/plot '" + t.File(dir + "/sweep.csv") + "' -o '" +
                    t.File(out) + "'" + (fmt.empty() ? "" : " --format " + fmt) + " >'" +
                    t.File(out + ".out") + "' 2>'" + t.File(out + ".err") + "'";
  return system(cmd.c_str());
}

const char *kFigures[] = {"cycles", "time", "utilization", "energy", "dram"};

// Every figure is drawn, milliseconds too; each says where its figures come from
// (the CSV's source column) and the batch; a point that is not ok is marked at
// the bottom of every panel, not dropped. The SVGs keep their text as text and
// each mark as a group with the id mark-STATUS-N, so the titles, the legends
// and the marks drawn can be counted.
TEST(SweepPlot, DrawsEveryFigureAndMarksThePointsNotDrawn) {
  TempDir t;
  WriteFile(t.File("s.yaml"), kSmall);
  ASSERT_EQ(Eyesim("sweep " + t.File("s.yaml") + " -o " + t.File("o") + " -q").status, 0);
  // Eight points: both networks cannot map on 4 rows (nomap: points 0 and 4);
  // a 200 KiB filter region does not fit the 108 KiB GLB (invalid: 1, 3, 5, 7).
  ASSERT_EQ(Plot(t, "o", "png", ""), 0) << ReadFile(t.File("png.err"));
  const std::string what = "analytic (mapper estimates), batch 1";
  EXPECT_EQ(ReadFile(t.File("png.out")),
            "wrote " + t.File("png") + "/{cycles,time,utilization,energy,dram,summary}.png: " +
                what + "; 2 points drawn, 6 marked (2 did not map, 4 invalid architecture)\n");
  for (const char *f : {"cycles", "time", "utilization", "energy", "dram", "summary"}) {
    std::string png = ReadFile(t.File(std::string("png/") + f + ".png"));
    ASSERT_GT(png.size(), 1000u) << f;
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << f;
    // The PNG's own metadata says so too (a tEXt chunk).
    EXPECT_NE(png.find(std::string("tEXtDescription") + '\0' + what), std::string::npos) << f;
  }
  // Each point not drawn is named on stderr, with what it is marked as.
  std::string err = ReadFile(t.File("png.err"));
  EXPECT_EQ(Count(err, "plot: point "), 6) << err;
  EXPECT_EQ(Count(err, ": nomap, marked \"did not map\", not drawn: "), 2) << err;
  EXPECT_EQ(Count(err, ": invalid, marked \"invalid architecture\", not drawn: "), 4) << err;
  EXPECT_NE(err.find("plot: point 0 (alexnet glb.filter_kb=8, pe_array.rows=4): nomap"),
            std::string::npos)
      << err;

  ASSERT_EQ(Plot(t, "o", "svg", "svg"), 0) << ReadFile(t.File("svg.err"));
  for (const char *f : kFigures) {
    std::string svg = ReadFile(t.File(std::string("svg/") + f + ".svg"));
    ASSERT_EQ(svg.substr(0, 5), "<?xml") << f;
    EXPECT_EQ(Count(svg, ">" + what + "</text>"), 1) << f;
    EXPECT_EQ(Count(svg, "<g id=\"mark-nomap-"), 2) << f;
    EXPECT_EQ(Count(svg, "<g id=\"mark-invalid-"), 4) << f;
    EXPECT_EQ(Count(svg, ">did not map</text>"), 1) << f;
    EXPECT_EQ(Count(svg, ">invalid architecture</text>"), 1) << f;
  }
  EXPECT_EQ(Count(ReadFile(t.File("svg/time.svg")), ">milliseconds per run</text>"), 1);
  // The summary: the five panels, and the list of the points not drawn.
  std::string sum = ReadFile(t.File("svg/summary.svg"));
  EXPECT_EQ(Count(sum, "<g id=\"mark-nomap-"), 10);
  EXPECT_EQ(Count(sum, "<g id=\"mark-invalid-"), 20);
  EXPECT_EQ(Count(sum, ">milliseconds per run</text>"), 1);
  EXPECT_NE(sum.find("point 4, tiny glb.filter_kb=8, pe_array.rows=4: did not map"),
            std::string::npos);

  // A cycle-level sweep at batch 2 says so.
  WriteFile(t.File("c.yaml"),
            "name: cyc\narch: eyeriss_v1\nnets: [" + kSrc +
                "/tests/data/tiny.yaml]\nbatch: 2\naxes:\n  - pe_array.rows: [4, 12]\n");
  ASSERT_EQ(Eyesim("sweep " + t.File("c.yaml") + " -o " + t.File("c") + " -q -j 1").status, 0);
  ASSERT_EQ(Plot(t, "c", "csvg", "svg"), 0) << ReadFile(t.File("csvg.err"));
  for (const char *f : kFigures) {
    std::string svg = ReadFile(t.File(std::string("csvg/") + f + ".svg"));
    EXPECT_EQ(Count(svg, ">cycle-level (simulated), batch 2</text>"), 1) << f;
    EXPECT_EQ(Count(svg, "<g id=\"mark-nomap-"), 1) << f;
    EXPECT_EQ(Count(svg, "<g id=\"mark-"), 1) << f;
  }

  // Not a sweep's CSV: one line, non-zero.
  WriteFile(t.File("bad.csv"), "a,b\n1,2\n");
  std::string cmd =
      "cd '" + kSrc + "' && scripts/plot '" + t.File("bad.csv") + "' 2>'" + t.File("err2") + "'";
  EXPECT_NE(system(cmd.c_str()), 0);
  EXPECT_EQ(ReadFile(t.File("err2")),
            "plot: " + t.File("bad.csv") +
                ": not an eyesim sweep CSV (expected a header starting point,...,status,...)\n");
}

// scripts/plot eyexam ARGS, run in the source tree: its exit status; stdout and
// stderr land in t's NAME.out and NAME.err.
int PlotEyexam(const TempDir &t, const std::string &name, const std::string &args) {
  std::string cmd = "cd '" + kSrc + "' && scripts/plot eyexam " + args + " >'" +
                    t.File(name + ".out") + "' 2>'" + t.File(name + ".err") + "' </dev/null";
  int st = system(cmd.c_str());
  return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// The Eyexam waterfall of a run's report: a PNG with one panel per layer, the
// same bytes from the same report, a layer that did not map named in a note
// (and on stderr), not a crash; a layer that is not in the report, a JSON that
// is not a report and a report without Eyexam figures are one line on stderr,
// a non-zero exit and no file.
TEST(SweepPlot, EyexamWaterfallPerLayer) {
  if (system("/usr/bin/python3 -c 'import matplotlib' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 cannot import matplotlib: python3-matplotlib is not "
                    "installed (scripts/bootstrap test installs it)";
  TempDir t;
  const std::string tiny = kSrc + "/tests/data/tiny.yaml";
  auto run = Eyesim("run eyeriss_v1 " + tiny + " --analytic --json " + t.File("r.json"));
  ASSERT_EQ(run.status, 0) << run.err;
  ASSERT_EQ(PlotEyexam(t, "all", "'" + t.File("r.json") + "' -o '" + t.File("all.png") + "'"), 0)
      << ReadFile(t.File("all.err"));
  EXPECT_EQ(ReadFile(t.File("all.out")), "wrote " + t.File("all.png") +
                                             ": analytic (mapper estimates), batch 2; 4 layers "
                                             "drawn, 0 not drawn\n");
  EXPECT_EQ(ReadFile(t.File("all.err")), "");
  std::string png = ReadFile(t.File("all.png"));
  ASSERT_GT(png.size(), 1000u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_NE(
      png.find(std::string("tEXtDescription") + '\0' + "analytic (mapper estimates), batch 2"),
      std::string::npos);
  // The same report, the same bytes; --layers takes names and ranges.
  ASSERT_EQ(PlotEyexam(t, "again", "'" + t.File("r.json") + "' -o '" + t.File("again.png") + "'"),
            0);
  EXPECT_EQ(ReadFile(t.File("again.png")), png);
  ASSERT_EQ(
      PlotEyexam(t, "some",
                 "'" + t.File("r.json") + "' --layers c2..c3 -o '" + t.File("some.png") + "'"),
      0)
      << ReadFile(t.File("some.err"));
  EXPECT_NE(ReadFile(t.File("some.out")).find("; 2 layers drawn, 0 not drawn"), std::string::npos);

  // As SVG the text stays text: every step's name, the largest drop, the
  // bandwidth step's level.
  ASSERT_EQ(PlotEyexam(t, "svg",
                       "'" + t.File("r.json") + "' --layers c1 --format svg -o '" +
                           t.File("c1.svg") + "'"),
            0)
      << ReadFile(t.File("svg.err"));
  std::string svg = ReadFile(t.File("c1.svg"));
  for (const char *step :
       {">workload</text>", ">dataflow</text>", ">PEs</text>", ">array</text>", ">storage</text>",
        ">bandwidth</text>", ">dram binds</text>", ">measured</text>", ">(estimate)</text>"})
    EXPECT_EQ(Count(svg, step), 1) << step;
  EXPECT_EQ(Count(svg, ">largest drop: "), 1) << svg.substr(0, 200);

  // A layer that cannot map (fc's 8-row filter on 4 rows) is named, not drawn.
  auto nomap = Eyesim("run eyeriss_v1 " + tiny + " --analytic --set pe_array.rows=4 --json " +
                      t.File("n.json"));
  ASSERT_EQ(nomap.status, 3) << nomap.err;
  ASSERT_EQ(PlotEyexam(t, "nomap", "'" + t.File("n.json") + "' -o '" + t.File("n.png") + "'"), 0)
      << ReadFile(t.File("nomap.err"));
  EXPECT_NE(ReadFile(t.File("nomap.out")).find("; 3 layers drawn, 1 not drawn"), std::string::npos);
  EXPECT_EQ(ReadFile(t.File("nomap.err")).rfind("plot: layer fc: not mapped: ", 0), 0u)
      << ReadFile(t.File("nomap.err"));
  EXPECT_EQ(Count(ReadFile(t.File("nomap.err")), "\n"), 1);
  EXPECT_EQ(ReadFile(t.File("n.png")).substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));

  // Errors: one line, non-zero, no file.
  struct Bad {
    std::string name, args, err;
  };
  WriteFile(t.File("other.json"), "{\"layers\": []}\n");
  WriteFile(t.File("old.json"),
            "{\"eyesim\": {}, \"layers\": [{\"name\": \"c1\", \"mapped\": true}]}\n");
  const Bad bad[] = {
      {"unknown", "'" + t.File("r.json") + "' --layers c1,nope",
       "plot: --layers c1,nope: no layer nope in " + t.File("r.json") +
           " (its layers: c1, c2, c3, fc)\n"},
      {"other", "'" + t.File("other.json") + "'",
       "plot: " + t.File("other.json") +
           ": not an eyesim report (expected the JSON of eyesim run --json)\n"},
      {"text", "'" + tiny + "'",
       "plot: " + tiny + ": not an eyesim report (expected the JSON of eyesim run --json)\n"},
      {"old", "'" + t.File("old.json") + "'",
       "plot: " + t.File("old.json") + ": layer c1 has no Eyexam figures (layers[].eyexam)\n"},
      {"onlyfc", "'" + t.File("n.json") + "' --layers fc",
       "plot: " + t.File("n.json") +
           ": no layer chosen has Eyexam figures to draw (fc: not mapped: "},
  };
  for (const Bad &b : bad) {
    EXPECT_NE(PlotEyexam(t, b.name, b.args + " -o '" + t.File(b.name + ".png") + "'"), 0) << b.name;
    std::string err = ReadFile(t.File(b.name + ".err"));
    EXPECT_EQ(err.substr(0, b.err.size()), b.err) << b.name;
    EXPECT_EQ(Count(err, "\n"), 1) << b.name << ": " << err;
    EXPECT_EQ(ReadFile(t.File(b.name + ".out")), "") << b.name;
    EXPECT_FALSE(FileExists(t.File(b.name + ".png"))) << b.name;
  }
  // Nothing but the figures was left in the folder (no temporary files).
  DIR *d = opendir(t.path.c_str());
  ASSERT_NE(d, nullptr);
  for (struct dirent *e; (e = readdir(d));)
    EXPECT_EQ(std::string(e->d_name).find(".tmp"), std::string::npos) << e->d_name;
  closedir(d);
}

// ------------------------------------------------------------------ Slurm

// A real Slurm (scripts/slurm-local, started by scripts/test): the job array
// runs one shard per task, and the merged result equals a local run's bytes.
TEST(SweepSlurm, AJobArrayMergesToTheLocalResult) {
  const char *conf = getenv("SLURM_CONF");
  const bool required =
      getenv("EYESIM_REQUIRE_SLURM") && std::string(getenv("EYESIM_REQUIRE_SLURM")) == "1";
  if (!conf || system("sinfo -h >/dev/null 2>&1") != 0) {
    if (required)
      FAIL() << "EYESIM_REQUIRE_SLURM=1 but no Slurm answers (SLURM_CONF="
             << (conf ? conf : "unset") << ")";
    GTEST_SKIP() << "no Slurm here: run scripts/slurm-local start and set SLURM_CONF";
  }
  TempDir t;
  WriteFile(t.File("s.yaml"), kSmall);
  const std::string s = t.File("s.yaml");
  auto w =
      Eyesim("sweep " + s + " -o " + t.File("cluster") + " --slurm --array-size 3 --time=10:00");
  ASSERT_EQ(w.status, 0) << w.err;
  std::string script = ReadFile(t.File("cluster/sweep.sbatch"));
  EXPECT_NE(script.find("#SBATCH --array=1-3\n"), std::string::npos) << script;
  EXPECT_NE(script.find("#SBATCH --time=10:00\n"), std::string::npos) << script;
  std::string cmd = "timeout 300 sbatch --wait --quiet '" + t.File("cluster/sweep.sbatch") +
                    "' >'" + t.File("sbatch.log") + "' 2>&1";
  ASSERT_EQ(system(cmd.c_str()), 0) << ReadFile(t.File("sbatch.log"));
  for (int i = 1; i <= 3; i++)
    EXPECT_TRUE(FileExists(t.File("cluster/shard-" + std::to_string(i) + "/sweep.csv"))) << i;
  auto m = Eyesim("sweep merge " + t.File("cluster") + " -o " + t.File("merged"));
  ASSERT_EQ(m.status, 0) << m.err;
  ASSERT_EQ(Eyesim("sweep " + s + " -o " + t.File("local") + " -j2 -q").status, 0);
  EXPECT_EQ(ReadFile(t.File("merged/sweep.csv")), ReadFile(t.File("local/sweep.csv")));
  EXPECT_EQ(ReadFile(t.File("merged/sweep.jsonl")), ReadFile(t.File("local/sweep.jsonl")));
}

}  // namespace

namespace {

// A sweep.csv of total rows: (rows, cols, net, status, cycles) per point.
// A sweep.csv of total rows; with est, an analytic_cycles column of est[i].
std::string ScalingCsv(const std::vector<std::tuple<int, int, std::string, std::string, long>> &pts,
                       const std::vector<long> &est = {}) {
  std::string s =
      "point,pe_array.rows,pe_array.cols,status,layer,net,batch,source,cycles,time_ms,utilization,"
      "dram_bytes_moved" +
      std::string(est.empty() ? "" : ",analytic_cycles") + "\n";
  int i = 0;
  for (const auto &[r, c, net, st, cyc] : pts) {
    s += std::to_string(i) + "," + std::to_string(r) + "," + std::to_string(c) + "," + st +
         ",total," + net + (est.empty() ? ",1,analytic," : ",1,cycle-level,") +
         std::to_string(cyc) + ",1,0.5,100" + (est.empty() ? "" : "," + std::to_string(est[i])) +
         "\n";
    i++;
  }
  return s;
}

// plot scaling: BASE cycles / NEW cycles per network and PE count both have,
// as CSV on stdout with the published figure beside it; a point not ok in
// either sweep is named on stderr and left out; the figure is a PNG, the same
// bytes from the same inputs; a CSV without the PE-array keys is one line.
TEST(SweepPlot, ScalingSpeedUpPerNetworkAndPeCount) {
  if (system("/usr/bin/python3 -c 'import matplotlib' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 cannot import matplotlib: python3-matplotlib is not "
                    "installed (scripts/bootstrap test installs it)";
  TempDir t;
  WriteFile(t.File("base.csv"), ScalingCsv({{16, 16, "a", "ok", 9000},
                                            {32, 32, "a", "ok", 8000},
                                            {16, 16, "b", "ok", 700},
                                            {32, 32, "b", "ok", 600}}));
  WriteFile(t.File("new.csv"), ScalingCsv({{16, 16, "a", "ok", 900},
                                           {32, 32, "a", "ok", 250},
                                           {16, 16, "b", "ok", 350},
                                           {32, 32, "b", "nomap", 1}}));
  WriteFile(t.File("pub.csv"), "# a comment\nnet,pes,speedup,source\na,256,12.5,paper X\n");
  auto plot = [&](const std::string &name, const std::string &args) {
    std::string cmd = "cd '" + kSrc + "' && scripts/plot scaling " + args + " >'" +
                      t.File(name + ".out") + "' 2>'" + t.File(name + ".err") + "' </dev/null";
    int st = system(cmd.c_str());
    return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  };
  const std::string args = "'" + t.File("base.csv") + "' '" + t.File("new.csv") +
                           "' --published '" + t.File("pub.csv") + "' -o '";
  ASSERT_EQ(plot("one", args + t.File("one.png") + "'"), 0) << ReadFile(t.File("one.err"));
  EXPECT_EQ(ReadFile(t.File("one.out")),
            "net,pes,base_cycles,new_cycles,speedup,analytic_speedup,published\n"
            "a,256,9000,900,10.0,,12.5\n"
            "a,1024,8000,250,32.0,,\n"
            "b,256,700,350,2.0,,\n");
  EXPECT_EQ(ReadFile(t.File("one.err")),
            "plot: b at 1024 PEs: not ok (ok, nomap); left out\n"
            "plot: wrote " +
                t.File("one.png") + "\n");
  std::string png = ReadFile(t.File("one.png"));
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  ASSERT_EQ(plot("two", args + t.File("two.png") + "'"), 0);
  EXPECT_EQ(ReadFile(t.File("two.png")), png);

  // Cycle-level sweeps carry the estimates too: their ratio rides beside the
  // measured one (9000 / 300 = 30.0, 8000 / 200 = 40.0).
  WriteFile(t.File("base_cl.csv"),
            ScalingCsv({{16, 16, "a", "ok", 9000}, {32, 32, "a", "ok", 8000}}, {9000, 8000}));
  WriteFile(t.File("new_cl.csv"),
            ScalingCsv({{16, 16, "a", "ok", 900}, {32, 32, "a", "ok", 250}}, {300, 200}));
  ASSERT_EQ(plot("cl", "'" + t.File("base_cl.csv") + "' '" + t.File("new_cl.csv") + "' -o '" +
                           t.File("cl.png") + "'"),
            0)
      << ReadFile(t.File("cl.err"));
  EXPECT_EQ(ReadFile(t.File("cl.out")),
            "net,pes,base_cycles,new_cycles,speedup,analytic_speedup,published\n"
            "a,256,9000,900,10.0,30.0,\n"
            "a,1024,8000,250,32.0,40.0,\n");

  WriteFile(t.File("bad.csv"),
            "point,glb.size_kb,status,layer,net,batch,source,cycles,time_ms,utilization,"
            "dram_bytes_moved\n0,64,ok,total,a,1,analytic,5,1,1,1\n");
  EXPECT_NE(plot("bad", "'" + t.File("bad.csv") + "' '" + t.File("new.csv") + "'"), 0);
  EXPECT_EQ(ReadFile(t.File("bad.err")),
            "plot: " + t.File("bad.csv") +
                ": the sweep must have pe_array.rows and pe_array.cols as swept keys\n");
}

}  // namespace

namespace {

// Every shipped sweep spec parses and lists its points, each with a valid
// architecture: 3 networks x 3 PE counts for each side of the scaling study.
TEST(SweepShipped, EverySpecListsItsPoints) {
  struct {
    const char *spec;
    int points;
  } specs[] = {{"pe_array", 14}, {"glb_vgg16", 6}, {"scaling_v1", 9}, {"scaling_mesh", 9}};
  for (const auto &s : specs) {
    SCOPED_TRACE(s.spec);
    auto r = Eyesim(std::string("sweep configs/sweeps/") + s.spec + ".yaml --list");
    ASSERT_EQ(r.status, 0) << r.err;
    auto fields = [](const std::string &line) {
      std::vector<std::string> f;
      std::istringstream ls(line);
      std::string x;
      while (std::getline(ls, x, ',')) f.push_back(x);
      if (!line.empty() && line.back() == ',') f.push_back("");
      return f;
    };
    int rows = 0, valid = 0;
    std::istringstream in(r.out);
    std::string line;
    std::getline(in, line);
    const std::vector<std::string> head = fields(line);
    const size_t at = std::find(head.begin(), head.end(), "valid") - head.begin();
    ASSERT_LT(at, head.size()) << line;
    while (std::getline(in, line)) {
      rows++;
      const std::vector<std::string> f = fields(line);
      valid += f.size() == head.size() && f[at] == "1";
    }
    EXPECT_EQ(rows, s.points);
    EXPECT_EQ(valid, s.points);
  }
}

}  // namespace
