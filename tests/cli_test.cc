// cli_test.cc - the eyesim command line, end to end: the two flows of the README,
// mapping files round-tripping, exit statuses, errors on one line, outputs that
// appear whole or not at all, determinism, and documentation that matches.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <string>
#include <vector>

#include "test_util.h"

using eytest::Eyesim;
using eytest::FileExists;
using eytest::ReadFile;
using eytest::TempDir;
using eytest::WriteFile;

namespace {

const char *kAlexConv = "eyeriss_v1 alexnet --layers conv1..conv5";
const char *kTiny = "eyeriss_v1 tests/data/tiny.yaml";

TEST(Cli, AnalyticRunPrintsTheAlexNetTable) {
  auto r = Eyesim(std::string("run ") + kAlexConv + " --analytic");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("analytic estimate"), std::string::npos);
  for (const char *l : {"\nconv1 ", "\nconv2 ", "\nconv3 ", "\nconv4 ", "\nconv5 ", "\ntotal "})
    EXPECT_NE(r.out.find(l), std::string::npos) << l;
  EXPECT_NE(r.out.find("net   alexnet, batch 4, 5 layers"), std::string::npos) << r.out;
}

TEST(Cli, RunSimulatesAndChecksEveryLayer) {
  TempDir t;
  auto r = Eyesim(std::string("run ") + kTiny + " --check --json " + t.File("o.json"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("cycle-level simulation (fast stepping"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("check: 4 of 4 layers equal the golden convolution"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("PE-cycles: mac "), std::string::npos);
  std::string js = ReadFile(t.File("o.json"));
  EXPECT_NE(js.find("\"source\": \"cycle-level\""), std::string::npos);
  EXPECT_NE(js.find("\"checked\": true"), std::string::npos);
  EXPECT_NE(js.find("\"analytic\": {"), std::string::npos);
  // Exact stepping gives the same report.
  auto x = Eyesim(std::string("run ") + kTiny + " --check --step exact --json " + t.File("x.json"));
  ASSERT_EQ(x.status, 0) << x.err;
  std::string jx = ReadFile(t.File("x.json"));
  jx.replace(jx.find("\"stepping\": \"exact\""), 19, "\"stepping\": \"fast\"");
  EXPECT_EQ(js, jx);
}

// Pass replay off, or checked against simulating every pass, gives the same report.
TEST(Cli, PassReplayChangesNoFigure) {
  TempDir t;
  const std::string run = std::string("run ") + kTiny + " -q --check --json ";
  ASSERT_EQ(Eyesim(run + t.File("on.json")).status, 0);
  for (const char *mode : {"off", "check"}) {
    auto r = Eyesim(run + t.File(std::string(mode) + ".json") + " --replay " + mode);
    ASSERT_EQ(r.status, 0) << mode << ": " << r.err;
    EXPECT_EQ(ReadFile(t.File(std::string(mode) + ".json")), ReadFile(t.File("on.json"))) << mode;
  }
  auto bad = Eyesim(run + t.File("x.json") + " --replay maybe");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--replay"), std::string::npos) << bad.err;
}

TEST(Cli, ZerosAndSeedChangeTheDataNotTheSchedule) {
  TempDir t;
  ASSERT_EQ(Eyesim(std::string("run ") + kTiny + " -q --csv " + t.File("a.csv")).status, 0);
  ASSERT_EQ(Eyesim(std::string("run ") + kTiny + " -q --zeros 0.6 --seed 5 --check --csv " +
                   t.File("b.csv"))
                .status,
            0);
  std::string a = ReadFile(t.File("a.csv")), b = ReadFile(t.File("b.csv"));
  EXPECT_NE(a, b);  // gated MACs and energy differ
  auto bad = Eyesim(std::string("run ") + kTiny + " --zeros 1.5");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err,
            "eyesim: --zeros: must be a number from 0 to 1 (got 1.5) (see `eyesim help`)\n");
}

// Column `col` of the CSV row of layer `layer` (from the header's names).
std::string CsvField(const std::string &csv, const std::string &layer, const std::string &col) {
  auto split = [](const std::string &line) {
    std::vector<std::string> v;
    size_t at = 0;
    for (size_t c; (c = line.find(',', at)) != std::string::npos; at = c + 1)
      v.push_back(line.substr(at, c - at));
    v.push_back(line.substr(at));
    return v;
  };
  size_t eol = csv.find('\n');
  std::vector<std::string> head = split(csv.substr(0, eol));
  auto ci = std::find(head.begin(), head.end(), col);
  if (ci == head.end()) return "no column " + col;
  for (size_t at = eol + 1; at < csv.size();) {
    size_t end = csv.find('\n', at);
    std::vector<std::string> row = split(csv.substr(at, end - at));
    if (row.size() == head.size() && row[3] == layer) return row[ci - head.begin()];
    at = end == std::string::npos ? csv.size() : end + 1;
  }
  return "no row " + layer;
}

// A network file's per-layer `zeros` (its sparsity profile) makes that layer's
// synthetic ifmap: with every input value zero, zero gating gates every MAC (no
// padding here, so a dense input gates none); --zeros overrides the profile for
// every layer; and trace synth makes the same ifmaps.
TEST(Cli, TheNetworksZeroProfileIsTheDefaultAndZerosOverridesIt) {
  TempDir t;
  WriteFile(t.File("n.yaml"),
            "name: prof\nbatch: 1\nlayers:\n"
            "  - {name: a, C: 2, M: 4, H: 8, W: 8, R: 3, S: 3, zeros: 1}\n"
            "  - {name: b, C: 4, M: 4, H: 6, W: 6, R: 3, S: 3}\n");
  const std::string run = "run eyeriss_v1 " + t.File("n.yaml") + " -q --check --csv ";
  ASSERT_EQ(Eyesim(run + t.File("p.csv") + " --json " + t.File("p.json")).status, 0);
  ASSERT_EQ(Eyesim(run + t.File("z0.csv") + " --zeros 0").status, 0);
  ASSERT_EQ(Eyesim(run + t.File("z1.csv") + " --zeros 1").status, 0);
  const std::string p = ReadFile(t.File("p.csv")), z0 = ReadFile(t.File("z0.csv")),
                    z1 = ReadFile(t.File("z1.csv"));
  EXPECT_EQ(CsvField(p, "a", "macs"), std::to_string(4 * 2 * 6 * 6 * 9));
  EXPECT_EQ(CsvField(p, "a", "macs_gated"), CsvField(p, "a", "macs"));
  EXPECT_EQ(CsvField(p, "b", "macs_gated"), "0");
  EXPECT_EQ(CsvField(z0, "a", "macs_gated"), "0");
  EXPECT_EQ(CsvField(z1, "b", "macs_gated"), CsvField(z1, "b", "macs"));
  const std::string js = ReadFile(t.File("p.json"));
  EXPECT_NE(js.find("\"relu\": true,\n        \"zeros\": 1\n"), std::string::npos) << js;
  // The profile of every layer equals --zeros of the same fraction.
  WriteFile(t.File("h.yaml"),
            "name: prof\nbatch: 1\nlayers:\n"
            "  - {name: a, C: 2, M: 4, H: 8, W: 8, R: 3, S: 3, zeros: 0.5}\n"
            "  - {name: b, C: 4, M: 4, H: 6, W: 6, R: 3, S: 3, zeros: 0.5}\n");
  ASSERT_EQ(Eyesim("run eyeriss_v1 " + t.File("h.yaml") + " -q --csv " + t.File("h.csv")).status,
            0);
  ASSERT_EQ(Eyesim(run + t.File("o.csv") + " --zeros 0.5").status, 0);
  const std::string h = ReadFile(t.File("h.csv")), o = ReadFile(t.File("o.csv"));
  EXPECT_NE(CsvField(h, "a", "macs_gated"), "0");
  for (const char *l : {"a", "b"})
    for (const char *c : {"macs_gated", "energy_total", "dram_bytes_moved", "cycles"})
      EXPECT_EQ(CsvField(h, l, c), CsvField(o, l, c)) << l << " " << c;
  // trace synth: the profile's zeros, exactly all of them in a.
  auto s = Eyesim("trace synth " + t.File("n.yaml") + " -o " + t.File("s.rlc"));
  ASSERT_EQ(s.status, 0) << s.err;
  auto st = Eyesim("trace stats " + t.File("s.rlc"));
  ASSERT_EQ(st.status, 0) << st.err;
  // a's ifmap all zeros (its profile), b's none (no profile): 128 + 144 values.
  EXPECT_NE(st.out.find("a.ifmap                  (1, 2, 8, 8)             100.0"),
            std::string::npos)
      << st.out;
  EXPECT_NE(st.out.find("b.ifmap                  (1, 4, 6, 6)               0.0"),
            std::string::npos)
      << st.out;
  // A fraction outside 0..1, and a key a pooling node does not take.
  WriteFile(t.File("bad.yaml"),
            "name: prof\nlayers:\n  - {name: a, C: 2, M: 4, H: 8, W: 8, R: 3, S: 3, zeros: 1.5}\n");
  auto bad = Eyesim("run eyeriss_v1 " + t.File("bad.yaml"));
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("bad.yaml:3"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("zeros"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("1.5"), std::string::npos) << bad.err;
  WriteFile(t.File("pool.yaml"),
            "name: prof\nlayers:\n  - {name: a, C: 2, M: 4, H: 8, W: 8, R: 3, S: 3}\n"
            "  - {name: p, type: maxpool, R: 2, S: 2, stride: 2, zeros: 0.5}\n");
  auto pool = Eyesim("run eyeriss_v1 " + t.File("pool.yaml"));
  EXPECT_EQ(pool.status, 1);
  EXPECT_NE(pool.err.find("pool.yaml:4: p.zeros: not a key of a maxpool node"), std::string::npos)
      << pool.err;
}

TEST(Cli, MappingFileRoundTripGivesIdenticalReports) {
  for (std::string net : {std::string(kAlexConv) + " --analytic", std::string(kTiny)}) {
    SCOPED_TRACE(net);
    TempDir t;
    std::string base = net.substr(0, net.find(" --analytic"));
    auto m = Eyesim("map " + base + " --out " + t.File("m.yaml"));
    ASSERT_EQ(m.status, 0) << m.err;
    ASSERT_TRUE(FileExists(t.File("m.yaml")));
    auto a = Eyesim("run " + net + " --json " + t.File("a.json") + " --csv " + t.File("a.csv"));
    auto b = Eyesim("run " + net + " --mapping " + t.File("m.yaml") + " --json " +
                    t.File("b.json") + " --csv " + t.File("b.csv"));
    ASSERT_EQ(a.status, 0) << a.err;
    ASSERT_EQ(b.status, 0) << b.err;
    EXPECT_EQ(ReadFile(t.File("a.json")), ReadFile(t.File("b.json")));
    EXPECT_EQ(ReadFile(t.File("a.csv")), ReadFile(t.File("b.csv")));
    // The tables differ only where they say where the mappings came from.
    std::string ta = a.out, tb = b.out;
    ASSERT_NE(ta.find("mappings from search"), std::string::npos);
    ta.replace(ta.find("mappings from search"), 20, "mappings from file");
    EXPECT_EQ(ta, tb);
    // --out - writes the YAML alone to stdout.
    auto s = Eyesim("map " + base + " --out -");
    EXPECT_EQ(s.out, ReadFile(t.File("m.yaml")));
  }
}

TEST(Cli, HandEditedMappingIsCheckedWithFileAndLine) {
  TempDir t;
  ASSERT_EQ(Eyesim(std::string("map ") + kAlexConv + " --out " + t.File("m.yaml")).status, 0);
  std::string y = ReadFile(t.File("m.yaml"));
  // Make conv2's q illegal: q*S = 3*5 = 15 > 12 ifmap spad words.
  size_t at = y.find("layer: \"conv2\"");
  ASSERT_NE(at, std::string::npos);
  size_t q = y.find("    q: ", at);
  size_t eol = y.find('\n', q);
  y.replace(q, eol - q, "    q: 3");
  WriteFile(t.File("bad.yaml"), y);
  int line = 1;
  for (size_t i = 0; i < at; i++) line += y[i] == '\n';
  auto r = Eyesim(std::string("run ") + kAlexConv + " --mapping " + t.File("bad.yaml") +
                  " --json " + t.File("o.json"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "eyesim: " + t.File("bad.yaml") + ":" + std::to_string(line) +
                       ": conv2.q: must be at most C/groups = 48 with q*S at most "
                       "pe.ifmap_spad_words = 12 (got q=3, S=5)\n");
  EXPECT_FALSE(FileExists(t.File("o.json")));  // no half-written output
}

TEST(Cli, MappingForAnotherShapeOrMissingLayerIsRefused) {
  TempDir t;
  ASSERT_EQ(Eyesim(std::string("map ") + kAlexConv + " --out " + t.File("m.yaml")).status, 0);
  auto r = Eyesim(std::string("run ") + kAlexConv + " --batch 2 --mapping " + t.File("m.yaml"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(": conv1.shape.N: must match the layer being run, 2 (got 4)"),
            std::string::npos)
      << r.err;
  r = Eyesim("run eyeriss_v1 alexnet --layers conv1..fc6 --mapping " + t.File("m.yaml"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(
      r.err,
      "eyesim: " + t.File("m.yaml") +
          ": fc6: no mapping for this layer (the file maps conv1, conv2, conv3, conv4, conv5)\n");
}

TEST(Cli, UnmappableLayerExitsThreeWithReportsWritten) {
  TempDir t;
  auto r = Eyesim("run eyeriss_v1_8x8 alexnet --layers conv1..conv2 --analytic --json " +
                  t.File("o.json"));
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(
      r.err.find("conv1: cannot map on eyeriss_v1_8x8: R: a filter of height 11 needs 11 PE rows"),
      std::string::npos)
      << r.err;
  EXPECT_TRUE(FileExists(t.File("o.json")));
  auto m = Eyesim("map eyeriss_v1_8x8 alexnet --out " + t.File("m.yaml"));
  EXPECT_EQ(m.status, 3);
  EXPECT_FALSE(FileExists(t.File("m.yaml")));
}

TEST(Cli, BadInputIsOneLineAndExitOne) {
  TempDir t;
  WriteFile(t.File("a.yaml"), "name: x\npe_array:\n  rows: 12\n  cols: 0\n");
  auto r = Eyesim(t.File("a.yaml").insert(0, "run ") + " alexnet");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "eyesim: " + t.File("a.yaml") +
                       ":4: pe_array.cols: must be an integer from 1 to 1024 (got 0)\n");
  // A short name that is not shipped: the shipped ones, and the nearest when it
  // looks like a slip (an edit or two, or the start of a name).
  std::vector<std::string> nets = eytest::ShippedNets(), archs = eytest::ShippedArchs();
  std::sort(nets.begin(), nets.end());
  std::sort(archs.begin(), archs.end());
  auto join = [](const std::vector<std::string> &v) {
    std::string s;
    for (const std::string &x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  r = Eyesim("run eyeriss_v1 no_such_net");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "eyesim: no_such_net: no such file, and no shipped network of that name "
            "(shipped: " +
                join(nets) + ")\n");
  r = Eyesim("run eyeriss_v1 alexnett");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "eyesim: alexnett: no such file, and no shipped network of that name; did "
            "you mean alexnet? (shipped: " +
                join(nets) + ")\n");
  r = Eyesim("config eyeris");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "eyesim: eyeris: no such file, and no shipped architecture of that name; did "
            "you mean eyeriss_v1? (shipped: " +
                join(archs) + ")\n");
  r = Eyesim("trace synth mobilenet -o /dev/null");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "eyesim: mobilenet: no such file, and no shipped network of that name; did "
            "you mean mobilenet_v1? (shipped: " +
                join(nets) + ")\n");
  // A path is opened as given, and the loader says what is wrong.
  r = Eyesim("run eyeriss_v1 ./no_such_net.yaml");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "eyesim: ./no_such_net.yaml: cannot open (No such file or directory)\n");
  r = Eyesim("run eyeriss_v1 alexnet --set pe.ifmap_spad_words=0");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "eyesim: --set: pe.ifmap_spad_words: must be an integer from 1 to 65535 (got 0)\n");
}

TEST(Cli, BadUsageExitsTwo) {
  for (const char *args :
       {"", "frobnicate", "run eyeriss_v1", "run eyeriss_v1 alexnet --batch 0",
        "run eyeriss_v1 alexnet --objective speed", "run eyeriss_v1 alexnet --out x",
        "run eyeriss_v1 alexnet --layers conv9", "map eyeriss_v1 alexnet --json x",
        "run eyeriss_v1 alexnet --batch"}) {
    auto r = Eyesim(args);
    EXPECT_EQ(r.status, 2) << args << ": " << r.err;
    EXPECT_FALSE(r.err.empty()) << args;
  }
}

TEST(Cli, HelpAndVersionTellTheTruth) {
  auto h = Eyesim("help");
  EXPECT_EQ(h.status, 0);
  for (const char *cmd : {"run ARCH NET", "map ARCH NET", "config ARCH", "keys"})
    EXPECT_NE(h.out.find(cmd), std::string::npos) << cmd;
  auto hr = Eyesim("help run");
  for (const char *opt :
       {"--batch", "--layers", "--objective", "--set", "--check", "--step", "--seed", "--zeros",
        "--analytic", "--mapping", "--json", "--csv", "--out", "--quiet"})
    EXPECT_NE(hr.out.find(opt), std::string::npos) << opt;
  EXPECT_EQ(Eyesim("run --help").out, hr.out);
  auto v = Eyesim("--version");
  EXPECT_EQ(v.status, 0);
  EXPECT_EQ(v.out, "eyesim " EY_VERSION_STRING "\n");
}

// Every command's --help comes from its option table; `eyesim help CMD` and
// `eyesim CMD --help` print the same text.
TEST(Cli, EveryCommandHasItsHelp) {
  for (const char *cmd : {"run", "map", "config", "keys", "trace", "sweep"}) {
    SCOPED_TRACE(cmd);
    auto h = Eyesim(std::string("help ") + cmd);
    EXPECT_EQ(h.status, 0);
    EXPECT_EQ(h.out.rfind("usage: eyesim ", 0), 0u) << h.out;
    auto d = Eyesim(std::string(cmd) + " --help");
    EXPECT_EQ(d.status, 0);
    EXPECT_EQ(d.out, h.out);
  }
  std::string trace = Eyesim("help trace").out;
  for (const char *sub : {"encode", "decode", "stats", "synth"})
    EXPECT_EQ(Eyesim(std::string("trace ") + sub + " --help").out, trace) << sub;
  for (const char *opt : {"options (synth):", "--zeros PROFILE", "--tensor NAME", "--scale S"})
    EXPECT_NE(trace.find(opt), std::string::npos) << opt;
  EXPECT_EQ(Eyesim("sweep merge --help").out, Eyesim("help sweep").out);
  EXPECT_NE(Eyesim("help config").out.find("--set KEY=VALUE"), std::string::npos);
}

TEST(Cli, UsageErrorsNameTheOptionAndWhatWasWrong) {
  const struct {
    const char *args;
    const char *err;
  } cases[] = {
      {"map eyeriss_v1 alexnet --check", "--check: unknown option for `eyesim map`"},
      {"run eyeriss_v1 alexnet --check=1", "--check: takes no value (got --check=1)"},
      {"run eyeriss_v1 alexnet --step=slow", "--step: must be fast or exact (got slow)"},
      {"config eyeriss_v1 --set", "--set needs a value"},
      {"config eyeriss_v1 --x",
       "--x: unknown option for `eyesim config` (it takes --set KEY=VALUE)"},
      {"trace encode a.npy -o", "-o needs a value"},
      {"trace synth alexnet -o x.gz --seed x", "--seed: must be a non-negative integer (got x)"},
      {"trace stats a.gz b.gz", "unexpected argument b.gz"},
      {"sweep merge d -o", "-o needs a value"},
  };
  for (const auto &c : cases) {
    auto r = Eyesim(c.args);
    EXPECT_EQ(r.status, 2) << c.args;
    EXPECT_EQ(r.err, std::string("eyesim: ") + c.err + " (see `eyesim help`)\n") << c.args;
  }
}

TEST(Cli, SetChangesTheArchitecture) {
  auto r = Eyesim(
      "run eyeriss_v1 alexnet --layers conv3 --set pe_array.rows=16 --set pe_array.cols=16 "
      "--analytic --csv -");
  ASSERT_EQ(r.status, 0) << r.err;
  auto c = Eyesim("config eyeriss_v1 --set pe_array.rows=16");
  EXPECT_NE(c.out.find("pe_array:\n  rows: 16\n  cols: 14\n"), std::string::npos) << c.out;
}

TEST(Cli, RunsAreDeterministic) {
  for (std::string args :
       {std::string("eyeriss_v1 mobilenet_v1 --analytic"), std::string(kTiny) + " --zeros 0.3"}) {
    SCOPED_TRACE(args);
    TempDir t;
    auto a = Eyesim("run " + args + " --json " + t.File("a.json") + " -q");
    auto b = Eyesim("run " + args + " --json " + t.File("b.json") + " -q");
    ASSERT_EQ(a.status, 0) << a.err;
    ASSERT_EQ(b.status, 0) << b.err;
    EXPECT_EQ(a.out, "");
    std::string ja = ReadFile(t.File("a.json"));
    EXPECT_GT(ja.size(), 1000u);
    EXPECT_EQ(ja, ReadFile(t.File("b.json")));
  }
}

TEST(Cli, UnwritableOutputLeavesNothingBehind) {
  TempDir t;
  auto r = Eyesim("run eyeriss_v1 alexnet --layers conv1 --analytic --json " +
                  t.File("no/such/dir/o.json"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("no/such/dir/o.json: cannot create (No such file or directory)"),
            std::string::npos)
      << r.err;
  // An existing report is replaced whole, never truncated in place.
  WriteFile(t.File("o.csv"), "old");
  ASSERT_EQ(
      Eyesim("run eyeriss_v1 alexnet --layers conv1 --analytic -q --csv " + t.File("o.csv")).status,
      0);
  EXPECT_EQ(ReadFile(t.File("o.csv")).rfind("arch,net,batch,layer,", 0), 0u);
  std::string cmd = "ls '" + t.path + "' | grep -c tmp > '" + t.File("count") + "'";
  (void)!system(cmd.c_str());
  EXPECT_EQ(ReadFile(t.File("count")), "0\n");
}

// An output path that names a pipe (or a device such as /dev/null) is written in
// place: a temporary file renamed over it would replace the pipe with a plain file.
TEST(Cli, AnOutputPipeStaysAPipe) {
  TempDir t;
  const std::string fifo = t.File("pipe");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0666), 0);
  ASSERT_EQ(
      Eyesim(std::string("run ") + kTiny + " --analytic -q --csv " + t.File("plain.csv")).status,
      0);
  std::string cmd = "timeout 20 cat '" + fifo + "' >'" + t.File("got.csv") + "' & '" + EY_BIN +
                    "' run " + kTiny + " --analytic -q --csv '" + fifo + "'; st=$?; wait; exit $st";
  ASSERT_EQ(system(("cd '" + std::string(EY_SRC_DIR) + "' && " + cmd).c_str()), 0);
  struct stat st;
  ASSERT_EQ(stat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(ReadFile(t.File("got.csv")), ReadFile(t.File("plain.csv")));
}

// docs/config.md embeds `eyesim keys`, so the documented schema cannot drift.
TEST(Cli, ConfigDocsMatchTheKeyTables) {
  auto k = Eyesim("keys");
  ASSERT_EQ(k.status, 0);
  std::string doc = ReadFile(std::string(EY_SRC_DIR) + "/docs/config.md");
  const std::string begin = "<!-- eyesim keys: begin -->\n", end = "<!-- eyesim keys: end -->";
  size_t b = doc.find(begin), e = doc.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  EXPECT_EQ(doc.substr(b + begin.size(), e - b - begin.size()), k.out)
      << "regenerate with: scripts/gen-docs";
}

}  // namespace
