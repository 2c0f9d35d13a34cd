// vcd_test.cc - waveforms: the VCD parses (a strict checker here, and GTKWave's
// vcd2fst), and a one-PE layer's signals change exactly at the cycles its timing
// rules give, worked out by hand below.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "test_util.h"

using eytest::Eyesim;
using eytest::FileExists;
using eytest::Gunzip;
using eytest::ReadFile;
using eytest::TempDir;
using eytest::WriteFile;

namespace {

struct Vcd {
  std::map<std::string, std::string> id_of;  // "top.array.pe_r0_c0.state" -> id
  std::map<std::string, int> width;          // id -> bits
  std::map<std::string, std::vector<std::pair<uint64_t, uint64_t>>> changes;  // id -> (ps, value)
  std::string error;
};

// Parses the subset of IEEE 1364 VCD eyesim writes, and checks it strictly.
Vcd Parse(const std::string &text) {
  Vcd v;
  std::istringstream in(text);
  std::string tok;
  std::vector<std::string> scope;
  bool defs = true;
  uint64_t now = 0;
  bool timed = false;
  while (in >> tok) {
    if (defs) {
      if (tok == "$scope") {
        std::string kind, name, end;
        in >> kind >> name >> end;
        if (kind != "module" || end != "$end") v.error = "bad $scope";
        scope.push_back(name);
      } else if (tok == "$upscope") {
        in >> tok;
        if (scope.empty()) v.error = "unbalanced $upscope";
        if (!scope.empty()) scope.pop_back();
      } else if (tok == "$var") {
        std::string kind, id, name, end;
        int w;
        in >> kind >> w >> id >> name >> end;
        if ((kind != "wire" && kind != "reg") || w < 1 || end != "$end")
          v.error = "bad $var " + name;
        std::string full;
        for (auto &s : scope) full += s + ".";
        if (v.width.count(id)) v.error = "id declared twice: " + id;
        v.id_of[full + name] = id;
        v.width[id] = w;
      } else if (tok == "$enddefinitions") {
        in >> tok;
        if (!scope.empty()) v.error = "scopes left open";
        defs = false;
      } else if (tok == "$version" || tok == "$timescale") {
        while (in >> tok && tok != "$end") {
        }
      } else {
        v.error = "unexpected " + tok;
      }
      continue;
    }
    if (tok[0] == '#') {
      uint64_t t = std::stoull(tok.substr(1));
      if (timed && t <= now) v.error = "time went back at " + tok;
      now = t;
      timed = true;
    } else if (tok[0] == 'b') {
      std::string id;
      in >> id;
      if (!v.width.count(id)) v.error = "undeclared id " + id;
      if ((int)tok.size() - 1 > v.width[id]) v.error = "value wider than its variable: " + id;
      v.changes[id].push_back({now, std::stoull(tok.substr(1), nullptr, 2)});
    } else if (tok[0] == '0' || tok[0] == '1') {
      std::string id = tok.substr(1);
      if (!v.width.count(id) || v.width[id] != 1) v.error = "bad scalar change " + tok;
      v.changes[id].push_back({now, (uint64_t)(tok[0] - '0')});
    } else {
      v.error = "unexpected " + tok;
    }
  }
  if (defs) v.error = "no $enddefinitions";
  return v;
}

// One PE (a 1 x 1 array) computing a 1 x 3 output from a 1 x 3 input and a 1 x 1
// filter: three one-MAC columns.
const char *kArch = "name: one\npe_array: {rows: 1, cols: 1}\nglb: {size_kb: 64, filter_kb: 1}\n";
const char *kNet =
    "name: one\nbatch: 1\nlayers:\n  - {name: L, C: 1, M: 1, H: 1, W: 3, R: 1, S: 1}\n";

std::string RunOne(TempDir &t, const std::string &extra) {
  WriteFile(t.File("a.yaml"), kArch);
  WriteFile(t.File("n.yaml"), kNet);
  auto r = Eyesim("run " + t.File("a.yaml") + " " + t.File("n.yaml") + " -q --vcd " +
                  t.File("w.vcd") + " " + extra);
  EXPECT_EQ(r.status, 0) << r.err;
  return ReadFile(t.File("w.vcd"));
}

TEST(Vcd, OnePeChangesAtTheHandComputedCycles) {
  TempDir t;
  Vcd v = Parse(RunOne(t, "--vcd-signals 'top.array.pe_r0_c0.*'"));
  ASSERT_EQ(v.error, "");
  const std::string st = v.id_of["top.array.pe_r0_c0.state"],
                    mac = v.id_of["top.array.pe_r0_c0.mac"];
  ASSERT_FALSE(st.empty());
  // 200 MHz core, 60 MHz link (ratio 10:3), 64-bit bus, DRAM latency 6 link
  // cycles; link cycle k starts at core cycle ceil(10k/3). Cycle c is c * 5000 ps.
  //  - The 3-word ifmap tile: one beat in link cycle 0, done at link 0+1+6 = 7,
  //    core ceil(70/3) = 24. The PE waits for it from cycle 0: wait_ifmap (1).
  //  - The filter, asked for at cycle 24: the first link cycle at or after core
  //    24 is 7 (ceil(70/3) = 24); done at 7+1+6 = 14, core ceil(140/3) = 47.
  //    Cycles 24-46 wait_filter (2).
  //  - One filter word at 4 a cycle: cycle 47 load (5).
  //  - Cycle 48: the ifmap GIN sends column 0, seen from 49: wait_ifmap (1).
  //  - Cycles 49, 50, 51: the three columns, one MAC each (mac = 0, mac signal 1);
  //    the GIN keeps a word ahead.
  //  - Each psum leaves the pipeline 2 + 2 cycles after its MAC: at 53, 54, 55.
  //    Cycle 52 waits for it: wait_psum (3); 53 and 54 forward with more to go
  //    (still wait_psum); 55 forwards the last and the PE is done: idle (6).
  const std::vector<std::pair<uint64_t, uint64_t>> want_state = {
      {0, 1},         {24 * 5000, 2}, {47 * 5000, 5}, {48 * 5000, 1},
      {49 * 5000, 0}, {52 * 5000, 3}, {55 * 5000, 6}};
  EXPECT_EQ(v.changes[st], want_state);
  const std::vector<std::pair<uint64_t, uint64_t>> want_mac = {
      {0, 0}, {49 * 5000, 1}, {52 * 5000, 0}};
  EXPECT_EQ(v.changes[mac], want_mac);
  // The output goes to DRAM from cycle 56: link cycle 17 (ceil(170/3) = 57 >= 56),
  // done at 17+1+6 = 24, core 80: the layer's 80 cycles.
  auto r = Eyesim("run " + t.File("a.yaml") + " " + t.File("n.yaml") + " --json -");
  EXPECT_NE(r.out.find("\"cycles\": 80,"), std::string::npos) << r.out;
}

TEST(Vcd, EveryScopeParsesAndGtkwaveReadsIt) {
  TempDir t;
  std::string text = RunOne(t, "");
  Vcd v = Parse(text);
  ASSERT_EQ(v.error, "");
  for (const char *name : {"top.array.pe_r0_c0.state", "top.noc.ifmap.valid", "top.noc.ifmap.cast",
                           "top.noc.filter.busy", "top.noc.psum.gon_words", "top.glb.bank_0.reads",
                           "top.glb.bank_26.writes", "top.dram.busy", "top.dram.bytes_in_flight"})
    EXPECT_TRUE(v.id_of.count(name)) << name;
  // GTKWave's own converter accepts it (scripts/bootstrap installs gtkwave).
  std::string cmd = "vcd2fst '" + t.File("w.vcd") + "' '" + t.File("w.fst") + "' > /dev/null 2>&1";
  EXPECT_EQ(system(cmd.c_str()), 0) << "vcd2fst missing or refused the file";
  EXPECT_TRUE(FileExists(t.File("w.fst")));
}

TEST(Vcd, WindowAndFilterKeepFilesSmall) {
  TempDir t;
  Vcd v = Parse(RunOne(t, "--vcd-window 48:52 --vcd-signals top.array.pe_r0_c0.state"));
  ASSERT_EQ(v.error, "");
  EXPECT_EQ(v.id_of.size(), 1u);
  const auto &c = v.changes[v.id_of["top.array.pe_r0_c0.state"]];
  const std::vector<std::pair<uint64_t, uint64_t>> want = {{48 * 5000, 1}, {49 * 5000, 0}};
  EXPECT_EQ(c, want);
  auto bad = Eyesim("run eyeriss_v1 tests/data/tiny.yaml --vcd x.vcd --vcd-window 9:3");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err,
            "eyesim: --vcd-window: expected FROM:TO cycles with FROM < TO (got 9:3) (see `eyesim "
            "help`)\n");
}

TEST(Vcd, WaveformsDoNotChangeResults) {
  TempDir t;
  auto a = Eyesim("run eyeriss_v1 tests/data/tiny.yaml -q --json " + t.File("a.json"));
  auto b = Eyesim("run eyeriss_v1 tests/data/tiny.yaml -q --json " + t.File("b.json") + " --vcd " +
                  t.File("w.vcd") + " --vcd-window 0:100000");
  ASSERT_EQ(a.status, 0) << a.err;
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_EQ(ReadFile(t.File("a.json")), ReadFile(t.File("b.json")));
  EXPECT_EQ(Parse(ReadFile(t.File("w.vcd"))).error, "");
}

// A waveform needs every cycle of its window only: the engine steps exactly
// until the window is behind it, then fast (with pass replay) from the next pass
// on. The samples and every figure equal those of exact stepping throughout.
TEST(Vcd, FastSteppingResumesAfterTheWindow) {
  ey_arch a = eytest::LoadArch("eyeriss_v1");
  ey_layer l = eytest::Layer(1, 64, 64, 13, 13, 3, 3, 1, 1);
  ey_mapping m;
  ey_err err;
  ASSERT_EQ(ey_map_layer(&l, &a, EY_OBJ_CYCLES, &m, nullptr, nullptr, &err), EY_OK) << err.msg;
  struct Log {
    std::vector<ey_cycle> cycles;
    std::vector<uint8_t> first_pe;
  };
  auto sample = [](void *ctx, const ey_sample *s) {
    Log *g = static_cast<Log *>(ctx);
    g->cycles.push_back(s->cycle);
    g->first_pe.push_back(s->cls[0]);
  };
  ey_meas plain, fast, exact;
  Log lf, le;
  ey_engine_opts o = eytest::Opts(EY_STEP_FAST, 1, 0.3, 1);
  ASSERT_EQ(ey_engine_run_layer(&a, &l, &m, &o, nullptr, &plain, &err), EY_OK) << err.msg;
  o.sample = sample;
  o.sample_from = 100;
  o.sample_until = 2000;
  o.sample_ctx = &lf;
  ASSERT_EQ(ey_engine_run_layer(&a, &l, &m, &o, nullptr, &fast, &err), EY_OK) << err.msg;
  ey_engine_opts x = o;
  x.step = EY_STEP_EXACT;
  x.sample_ctx = &le;
  ASSERT_EQ(ey_engine_run_layer(&a, &l, &m, &x, nullptr, &exact, &err), EY_OK) << err.msg;
  ASSERT_GT(plain.cycles, 20000u); /* the window is a small part of the layer */
  eytest::ExpectSameMeas(plain, fast);
  eytest::ExpectSameMeas(plain, exact);
  EXPECT_TRUE(fast.checked && exact.checked);
  ASSERT_EQ(lf.cycles.size(), 1900u);
  EXPECT_EQ(lf.cycles.front(), 100u);
  EXPECT_EQ(lf.cycles.back(), 1999u);
  EXPECT_EQ(lf.cycles, le.cycles);
  EXPECT_EQ(lf.first_pe, le.first_pe);
  EXPECT_GT(fast.replayed, 0u); /* fast stepping came back after the window */
  EXPECT_EQ(exact.replayed, 0u);
}

}  // namespace

namespace {

// A value's cycles summed over the run: each change holds until the next, and
// the last until `end_ps`; `period` picoseconds a cycle.
uint64_t CycleSum(const std::vector<std::pair<uint64_t, uint64_t>> &ch, uint64_t end_ps,
                  uint64_t period) {
  uint64_t sum = 0;
  for (size_t i = 0; i < ch.size(); i++) {
    const uint64_t until = i + 1 < ch.size() ? ch[i + 1].first : end_ps;
    sum += ch[i].second * ((until - ch[i].first) / period);
  }
  return sum;
}

// The mesh's routers, by hand: a depthwise layer of 4 channels of 8 words on
// 1 x 4 PEs in one-PE clusters, one ifmap router each. The mapper puts the four
// groups side by side, so router x of cluster row 0 sends exactly its group's 8
// words: 8 in its waveform signal (summed over the cycles), 8 rows under its
// name in the NoC trace; and each weight router loads its group's one weight.
TEST(Vcd, EachMeshRouterSendsItsGroupsWords) {
  TempDir t;
  WriteFile(t.File("a.yaml"),
            "name: mesh4\npe_array: {rows: 1, cols: 4}\nglb: {size_kb: 64, filter_kb: 1}\n"
            "noc:\n  impl: hierarchical-mesh\n  mesh: {cluster_rows: 1, cluster_cols: 1, "
            "ifmap_routers: 1}\nclock: {dram_mhz: 10000}\ndram: {bus_bits: 4096, "
            "latency_cycles: 0}\n");
  WriteFile(t.File("n.yaml"),
            "name: dw\nbatch: 1\nlayers:\n  - {name: L, C: 4, M: 4, H: 1, W: 8, R: 1, S: 1, "
            "groups: 4}\n");
  auto r =
      Eyesim("run " + t.File("a.yaml") + " " + t.File("n.yaml") + " -q --objective cycles --vcd " +
             t.File("w.vcd") + " --trace-dir " + t.File("tr") + " --trace-detail full");
  ASSERT_EQ(r.status, 0) << r.err;
  Vcd v = Parse(ReadFile(t.File("w.vcd")));
  ASSERT_EQ(v.error, "");
  const uint64_t period = 5000;  // 200 MHz
  uint64_t end = 0;
  for (auto &kv : v.changes)
    for (auto &c : kv.second) end = std::max(end, c.first + period);
  const std::string noc = Gunzip(t.File("tr/L.noc.csv.gz"));
  for (int x = 0; x < 4; x++) {
    const std::string name = "router_x" + std::to_string(x) + "_y0_0";
    const std::string words = "top.noc.mesh.ifmap." + name + ".words",
                      busy = "top.noc.mesh.weight." + name + ".busy";
    ASSERT_TRUE(v.id_of.count(words)) << words;
    ASSERT_TRUE(v.id_of.count(busy)) << busy;
    EXPECT_EQ(CycleSum(v.changes[v.id_of[words]], end, period), 8u) << name;
    EXPECT_GE(CycleSum(v.changes[v.id_of[busy]], end, period), 1u) << name;
    size_t rows = 0;
    for (size_t at = noc.find("," + name + ",unicast,ifmap,"); at != std::string::npos;
         at = noc.find("," + name + ",unicast,ifmap,", at + 1))
      rows++;
    EXPECT_EQ(rows, 8u) << name;
    EXPECT_NE(noc.find("," + name + ",unicast,filter,"), std::string::npos) << name;
  }
}

}  // namespace
