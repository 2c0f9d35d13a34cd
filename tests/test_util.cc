// test_util.cc - see test_util.h.
#include "test_util.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <fstream>
#include <sstream>

namespace eytest {

ey_arch LoadArch(const std::string &name) {
  ey_arch a;
  ey_err err;
  std::string path = std::string(EY_SRC_DIR) + "/configs/arch/" + name + ".yaml";
  ey_rc rc = ey_arch_load(path.c_str(), &a, &err);
  EXPECT_EQ(rc, EY_OK) << err.msg;
  return a;
}

ey_net LoadNet(const std::string &name) {
  ey_net n;
  ey_err err;
  std::string path = std::string(EY_SRC_DIR) + "/configs/nets/" + name + ".yaml";
  ey_rc rc = ey_net_load(path.c_str(), &n, &err);
  EXPECT_EQ(rc, EY_OK) << err.msg;
  return n;
}

const std::vector<std::string> &ShippedArchs() {
  static const std::vector<std::string> v = {
      "eyeriss_v1",     "eyeriss_v1_8x8", "eyeriss_v1_16x16", "eyeriss_v1_32x32",
      "eyeriss_v1_192", "eyeriss_v1_5",   "eyeriss_v2"};
  return v;
}

const std::vector<std::string> &ShippedNets() {
  static const std::vector<std::string> v = {"alexnet",  "vgg16",     "mobilenet_v1",
                                             "resnet50", "googlenet", "mobilenet_v1_0.5_128"};
  return v;
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/eyesim_test_XXXXXX";
  char *p = mkdtemp(tmpl);
  EXPECT_NE(p, nullptr);
  path = p ? p : "/tmp";
}

TempDir::~TempDir() {
  std::string cmd = "rm -rf '" + path + "'";
  if (path.rfind("/tmp/eyesim_test_", 0) == 0) (void)!system(cmd.c_str());
}

std::string Gunzip(const std::string &path) {
  gzFile g = gzopen(path.c_str(), "rb");
  std::string text;
  char buf[4096];
  int n;
  while (g && (n = gzread(g, buf, sizeof buf)) > 0) text.append(buf, (size_t)n);
  if (g) gzclose(g);
  return text;
}

std::string ReadFile(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void WriteFile(const std::string &path, const std::string &text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

bool FileExists(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

CmdResult Eyesim(const std::string &args) {
  TempDir t;
  std::string cmd = std::string("cd '") + EY_SRC_DIR + "' && '" + EY_BIN + "' " + args + " >'" +
                    t.File("out") + "' 2>'" + t.File("err") + "' </dev/null";
  int st = system(cmd.c_str());
  CmdResult r;
  r.status = (st != -1 && WIFEXITED(st)) ? WEXITSTATUS(st) : -1;
  r.out = ReadFile(t.File("out"));
  r.err = ReadFile(t.File("err"));
  return r;
}

std::vector<ey_mapping> SampledMappings(const ey_layer &l, const ey_arch &a, int rmax, int tmax,
                                        int estep, int every) {
  std::vector<ey_mapping> v;
  const int Cg = l.C / l.groups, Mg = l.M / l.groups;
  int seen = 0;
  ey_mapping m;
  for (m.n = 1; m.n <= l.N; m.n++)
    for (m.p = 1; m.p <= Mg; m.p += 2)
      for (m.q = 1; m.q <= Cg; m.q += 2)
        for (m.r = 1; m.r <= rmax; m.r++)
          for (m.t = 1; m.t <= tmax; m.t++)
            for (m.e = 1; m.e <= l.E; m.e += estep)
              for (m.g = 1; m.g <= l.groups; m.g++) {
                m.eg = m.e;
                m.m = m.p * m.t;
                if (ey_mapping_check(&l, &a, &m, nullptr) == EY_OK && seen++ % every == 0)
                  v.push_back(m);
              }
  return v;
}

ey_arch TinyArch(int rows, int cols, int glb_kb, int filter_kb, const std::string &extra) {
  std::string y = "name: tiny\npe_array:\n  rows: " + std::to_string(rows) +
                  "\n  cols: " + std::to_string(cols) +
                  "\nglb:\n  size_kb: " + std::to_string(glb_kb) +
                  "\n  filter_kb: " + std::to_string(filter_kb) + "\n" + extra;
  ey_arch a;
  ey_err err;
  EXPECT_EQ(ey_arch_load_string("tiny.yaml", y.c_str(), &a, &err), EY_OK) << err.msg;
  return a;
}

ey_layer Layer(int N, int C, int M, int H, int W, int R, int S, int stride, int pad, int groups) {
  ey_layer l{};
  snprintf(l.name, sizeof l.name, "L");
  l.N = N;
  l.C = C;
  l.M = M;
  l.H = H;
  l.W = W;
  l.R = R;
  l.S = S;
  l.stride = stride;
  l.pad = pad;
  l.groups = groups;
  l.relu = 1;
  ey_err err;
  EXPECT_EQ(ey_layer_finish(&l, "test", &err), EY_OK) << err.msg;
  return l;
}

ey_counts Cost(const ey_layer &l, const ey_arch &a, const ey_mapping &m) {
  ey_err err;
  EXPECT_EQ(ey_mapping_check(&l, &a, &m, &err), EY_OK) << err.msg;
  ey_cost c;
  ey_mapping_cost(&l, &a, &m, &c);
  return c.c;
}

// Every counter, by name, so that a mismatch says which.
void ExpectSameCounts(const ey_counts &want, const ey_counts &got) {
#define EQ(f) EXPECT_EQ(want.f, got.f) << #f
  EQ(macs);
  EQ(macs_gated);
  for (int t = 0; t < EY_NTYPES; t++) {
    SCOPED_TRACE(ey_type_names[t]);
    EQ(spad_reads[t]);
    EQ(spad_writes[t]);
    EQ(glb_reads[t]);
    EQ(glb_writes[t]);
    EQ(dram_reads[t]);
    EQ(dram_writes[t]);
  }
  EQ(noc_ifmap);
  EQ(noc_ifmap_delivered);
  EQ(noc_filter);
  EQ(noc_filter_delivered);
  EQ(noc_psum_in);
  EQ(noc_psum_local);
  EQ(noc_psum_out);
  EQ(noc_ifmap_xbuses);
  EQ(noc_filter_xbuses);
  EQ(noc_ifmap_links_x);
  EQ(noc_ifmap_links_y);
  EQ(noc_filter_links);
#undef EQ
}

std::vector<int> CoveredRows(const ey_layer &l) {
  std::vector<int> covered((size_t)l.H, 0);
  for (int y = 0; y < l.E; y++)
    for (int i = 0; i < l.R; i++) {
      const int h = y * l.stride + i - l.pad;
      if (h >= 0 && h < l.H) covered[(size_t)h] = 1;
    }
  return covered;
}

ey_engine_opts Opts(int step, uint64_t seed, double zeros, int check) {
  ey_engine_opts o;
  memset(&o, 0, sizeof o);
  o.step = step;
  o.seed = seed;
  o.zeros = zeros;
  o.check = check;
  return o;
}

void ExpectSameMeas(const ey_meas &x, const ey_meas &y) {
  ExpectSameCounts(x.c, y.c);
  EXPECT_EQ(x.cycles, y.cycles);
  for (int c = 0; c < EY_NCLASSES; c++) EXPECT_EQ(x.classes[c], y.classes[c]) << ey_class_names[c];
  EXPECT_EQ(x.ifmap_bus_blocked, y.ifmap_bus_blocked);
  EXPECT_EQ(x.dram_wait_cycles, y.dram_wait_cycles);
  EXPECT_EQ(x.passes, y.passes);
  for (int t = 0; t < EY_NTYPES; t++) EXPECT_EQ(x.dram_bits[t], y.dram_bits[t]);
  EXPECT_EQ(x.ifmap_multicasts, y.ifmap_multicasts);
  EXPECT_EQ(x.ifmap_unicasts, y.ifmap_unicasts);
  EXPECT_EQ(x.filter_multicasts, y.filter_multicasts);
  EXPECT_EQ(x.filter_unicasts, y.filter_unicasts);
  EXPECT_EQ(x.glb_conflicts, y.glb_conflicts);
  EXPECT_EQ(x.psum_wraps, y.psum_wraps);
  EXPECT_EQ(x.mesh_regions_max, y.mesh_regions_max);
  EXPECT_EQ(x.mesh_ifmap_streams_max, y.mesh_ifmap_streams_max);
  for (int k = 0; k < 2; k++) {
    EXPECT_EQ(x.mesh_routers_used[k], y.mesh_routers_used[k]);
    EXPECT_EQ(x.mesh_links_used[k], y.mesh_links_used[k]);
    EXPECT_EQ(x.mesh_router_words[k], y.mesh_router_words[k]);
    EXPECT_EQ(x.mesh_router_words_max[k], y.mesh_router_words_max[k]);
    EXPECT_EQ(x.mesh_link_words_max[k], y.mesh_link_words_max[k]);
  }
  ASSERT_EQ(x.glb_banks, y.glb_banks);
  ASSERT_EQ(x.glb_banks_per_entry, y.glb_banks_per_entry);
  for (int b = 0; b < ey_meas_bank_entries(&x); b++)
    for (int t = 0; t < 3; t++) {
      EXPECT_EQ(x.glb_bank_reads[b][t], y.glb_bank_reads[b][t]) << "bank " << b;
      EXPECT_EQ(x.glb_bank_writes[b][t], y.glb_bank_writes[b][t]) << "bank " << b;
    }
}

}  // namespace eytest
