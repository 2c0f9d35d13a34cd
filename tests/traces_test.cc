// traces_test.cc - activation traces and .npy files: round trips, each kind of
// corrupt input with its one-line error, and replay through the engine; the
// access-trace and waveform writers of a run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "test_util.h"

extern "C" {
#include "sim/engine/data.h"
#include "sim/report/run.h"
#include "traces/accdir.h"
#include "traces/actrace.h"
#include "traces/npy.h"
#include "traces/vcdfile.h"
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

void WriteNpy(const std::string &path, const int shape[4], const std::vector<int16_t> &v) {
  FILE *f = fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ey_npy_write(f, shape, v.data());
  fclose(f);
}

void WriteTrace(const std::string &path, const char *name, const int shape[4],
                const std::vector<int16_t> &v) {
  FILE *f = fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ey_act_writer *w = ey_act_writer_open(f);
  ASSERT_NE(w, nullptr);
  ASSERT_EQ(ey_act_writer_add(w, name, shape, v.data()), EY_OK);
  ASSERT_EQ(ey_act_writer_close(w), EY_OK);
  fclose(f);
}

std::string LoadError(const std::string &path) {
  ey_act_trace tr;
  ey_err err;
  err.msg[0] = '\0';
  ey_rc rc = ey_act_load(path.c_str(), &tr, &err);
  ey_act_free(&tr);
  return rc == EY_OK ? "" : err.msg;
}

TEST(Npy, Int16RoundTripAndFloatScaling) {
  TempDir t;
  const int shape[4] = {1, 2, 3, 4};
  std::vector<int16_t> v(24);
  for (int i = 0; i < 24; i++) v[i] = (int16_t)(i * 1000 - 12000);
  WriteNpy(t.File("a.npy"), shape, v);
  ey_npy a;
  ey_err err;
  ASSERT_EQ(ey_npy_read(t.File("a.npy").c_str(), 1.0, &a, &err), EY_OK) << err.msg;
  EXPECT_EQ(std::memcmp(a.shape, shape, sizeof shape), 0);
  EXPECT_EQ(std::vector<int16_t>(a.data, a.data + a.count), v);
  ey_npy_free(&a);
  // float32 (2, 2): [0.5, -1.26, 300.0, 0.0] x 100, rounded and saturated.
  std::string f("\x93NUMPY\x01\x00", 8);
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
  dict += std::string(128 - 10 - dict.size() - 1, ' ') + "\n";
  f += std::string(1, (char)dict.size()) + std::string(1, '\0') + dict;
  for (float x : {0.5f, -1.26f, 300.0f, 0.0f}) f += std::string((const char *)&x, 4);
  WriteFile(t.File("f.npy"), f);
  ASSERT_EQ(ey_npy_read(t.File("f.npy").c_str(), 100.0, &a, &err), EY_OK) << err.msg;
  EXPECT_EQ(a.shape[2], 2);  // two dimensions are H and W
  EXPECT_EQ(a.shape[3], 2);
  EXPECT_EQ(a.data[0], 50);
  EXPECT_EQ(a.data[1], -126);
  EXPECT_EQ(a.data[2], 30000);
  EXPECT_EQ(a.data[3], 0);
  ey_npy_free(&a);
}

std::string NpyError(const std::string &bytes) {
  TempDir t;
  WriteFile(t.File("x.npy"), bytes);
  ey_npy a;
  ey_err err;
  EXPECT_NE(ey_npy_read(t.File("x.npy").c_str(), 1.0, &a, &err), EY_OK);
  std::string m = err.msg;
  return m.substr(m.find(".npy: ") + 6);
}

TEST(Npy, BadFilesAreNamed) {
  auto header = [](const std::string &dict) {
    std::string d = dict + std::string(128 - 10 - dict.size() - 1, ' ') + "\n";
    return std::string("\x93NUMPY\x01\x00", 8) + std::string(1, (char)d.size()) +
           std::string(1, '\0') + d;
  };
  EXPECT_EQ(NpyError("GIF89a...."),
            "offset 0: expected the .npy magic \\x93NUMPY (got other bytes)");
  EXPECT_EQ(NpyError(header("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }")),
            "offset 10: descr: expected '<i2' (int16) or '<f4' (float32) (got '<f8')");
  EXPECT_EQ(NpyError(header("{'descr': '<i2', 'fortran_order': True, 'shape': (2,), }")),
            "offset 10: fortran_order: expected False (got True,)");
  EXPECT_EQ(NpyError(header("{'descr': '<i2', 'fortran_order': False, 'shape': (2, 2), }") + "ab"),
            "offset 130: expected 4 values (got 1: the file is truncated)");  // data at 128
}

TEST(ActTrace, RoundTripGzipAndPlain) {
  TempDir t;
  const int shape[4] = {1, 2, 3, 5};
  std::vector<int16_t> v(30, 0);
  v[3] = 7;
  v[29] = -2;
  WriteTrace(t.File("a.gz"), "conv9.ifmap", shape, v);
  ey_act_trace tr;
  ey_err err;
  ASSERT_EQ(ey_act_load(t.File("a.gz").c_str(), &tr, &err), EY_OK) << err.msg;
  ASSERT_EQ(tr.n, 1);
  const ey_act_tensor *x = ey_act_find(&tr, "conv9.ifmap");
  ASSERT_NE(x, nullptr);
  std::vector<int16_t> back(30);
  ASSERT_EQ(ey_act_decode(&tr, x, back.data(), &err), EY_OK);
  EXPECT_EQ(back, v);
  ey_act_free(&tr);
  // The same stream uncompressed reads too.
  std::string cmd = "gzip -dc '" + t.File("a.gz") + "' > '" + t.File("plain") + "'";
  ASSERT_EQ(system(cmd.c_str()), 0);
  EXPECT_EQ(ReadFile(t.File("plain")).rfind(EY_ACT_MAGIC "\ntensor conv9.ifmap 1 2 3 5 16 ", 0),
            0u);
  EXPECT_EQ(LoadError(t.File("plain")), "");
}

TEST(ActTrace, CorruptFilesAreNamed) {
  TempDir t;
  const int shape[4] = {1, 1, 2, 3};
  WriteTrace(t.File("a.gz"), "c.ifmap", shape, {0, 0, 12, 0, 0, 53});
  std::string gz = ReadFile(t.File("a.gz"));
  // A truncated gzip stream.
  WriteFile(t.File("trunc.gz"), gz.substr(0, gz.size() / 2));
  std::string m = LoadError(t.File("trunc.gz"));
  EXPECT_NE(m.find("trunc.gz: "), std::string::npos) << m;
  EXPECT_NE(m.find("truncated"), std::string::npos) << m;
  // Another kind of file, another version.
  WriteFile(t.File("bad"), "hello\n");
  EXPECT_EQ(LoadError(t.File("bad")),
            t.File("bad") + ": offset 0: expected '" EY_ACT_MAGIC "' (got a file of another kind)");
  WriteFile(t.File("v2"), "eyesim activation trace v2\nend\n");
  EXPECT_EQ(LoadError(t.File("v2")),
            t.File("v2") + ": offset 0: expected version 1 (got 'eyesim activation trace v2')");
  // A word without its term bit, and a run past the tensor's end.
  std::string plain = EY_ACT_MAGIC "\ntensor c.ifmap 1 1 2 3 16 1\n";
  uint64_t w = 2ull | 12ull << 5 | 2ull << 21 | 53ull << 26;  // no term bit
  WriteFile(t.File("noterm"), plain + std::string((const char *)&w, 8) + "end\n");
  EXPECT_EQ(LoadError(t.File("noterm")),
            t.File("noterm") + ": tensor c.ifmap: word 0: the last word has no term bit");
  w = 2ull | 12ull << 5 | 9ull << 21 | 53ull << 26 | 1ull << 63;  // 9 zeros after 3 of 6 values
  WriteFile(t.File("overrun"), plain + std::string((const char *)&w, 8) + "end\n");
  EXPECT_EQ(LoadError(t.File("overrun")),
            t.File("overrun") +
                ": tensor c.ifmap: word 0: a run of 9 zeros overflows the tensor's 6 values");
  WriteFile(t.File("short"), plain + "abc");
  EXPECT_EQ(LoadError(t.File("short")),
            t.File("short") + ": tensor c.ifmap: expected 1 words (got 0: the file is truncated)");
  EXPECT_EQ(LoadError(t.File("none.gz")).find("cannot open"), t.File("none.gz").size() + 2);
}

// ---------------------------------------------------------------- replay

struct Replay {
  ey_arch a = eytest::LoadArch("eyeriss_v1");
  ey_net n;
  Replay() {
    ey_err err;
    EXPECT_EQ(ey_net_load((std::string(EY_SRC_DIR) + "/tests/data/tiny.yaml").c_str(), &n, &err),
              EY_OK);
  }
  ~Replay() {
    ey_net_free(&n);
  }
  ey_rc Run(const ey_act_trace *act, double zeros, ey_report *r, ey_err *err) {
    static ey_engine_opts o;
    o = eytest::Opts(EY_STEP_FAST, 3, zeros, 1);
    return ey_report_run(r, &a, &n, a.objective, nullptr, &o, act, nullptr, err);
  }
};

TEST(Replay, AllZeroActivationsGateEveryMac) {
  Replay rp;
  TempDir t;
  FILE *f = fopen(t.File("z.gz").c_str(), "wb");
  ey_act_writer *w = ey_act_writer_open(f);
  for (int i = 0; i < rp.n.nlayers; i++) {
    const ey_layer &l = rp.n.layers[i];
    const int shape[4] = {l.N, l.C, l.H, l.W};
    std::vector<int16_t> zero((size_t)l.N * l.C * l.H * l.W, 0);
    ASSERT_EQ(ey_act_writer_add(w, (std::string(l.name) + ".ifmap").c_str(), shape, zero.data()),
              EY_OK);
  }
  ASSERT_EQ(ey_act_writer_close(w), EY_OK);
  fclose(f);
  ey_act_trace tr;
  ey_err err;
  ASSERT_EQ(ey_act_load(t.File("z.gz").c_str(), &tr, &err), EY_OK) << err.msg;
  ey_report r;
  ASSERT_EQ(rp.Run(&tr, 0.0, &r, &err), EY_OK) << err.msg;
  for (int i = 0; i < r.nlayers; i++) {
    EXPECT_TRUE(r.res[i].replayed);
    EXPECT_EQ(r.res[i].meas.c.macs_gated, r.res[i].meas.c.macs) << r.res[i].layer->name;
    EXPECT_TRUE(r.res[i].meas.checked);
  }
  ey_report_free(&r);
  ey_act_free(&tr);
}

TEST(Replay, SynthTraceReplaysAsTheSameSeededRun) {
  TempDir t;
  auto s = Eyesim("trace synth tests/data/tiny.yaml --zeros 0.4 --seed 3 -o " + t.File("s.gz"));
  ASSERT_EQ(s.status, 0) << s.err;
  Replay rp;
  ey_act_trace tr;
  ey_err err;
  ASSERT_EQ(ey_act_load(t.File("s.gz").c_str(), &tr, &err), EY_OK) << err.msg;
  ey_report a, b;
  ASSERT_EQ(rp.Run(&tr, 0.0, &a, &err), EY_OK) << err.msg;  // zeros from the trace
  ASSERT_EQ(rp.Run(nullptr, 0.4, &b, &err), EY_OK) << err.msg;
  for (int i = 0; i < a.nlayers; i++) {
    SCOPED_TRACE(a.res[i].layer->name);
    EXPECT_TRUE(a.res[i].replayed);
    eytest::ExpectSameCounts(b.res[i].meas.c, a.res[i].meas.c);
    EXPECT_EQ(a.res[i].meas.cycles, b.res[i].meas.cycles);
    for (int ty = 0; ty < EY_NTYPES; ty++)
      EXPECT_EQ(a.res[i].meas.dram_bits[ty], b.res[i].meas.dram_bits[ty]);
  }
  ey_report_free(&a);
  ey_report_free(&b);
  ey_act_free(&tr);
}

TEST(Replay, ShapeMismatchNamesBothShapes) {
  TempDir t;
  const int shape[4] = {2, 3, 15, 14};
  WriteTrace(t.File("m.gz"), "c1.ifmap", shape, std::vector<int16_t>(2 * 3 * 15 * 14, 1));
  auto r = Eyesim("run eyeriss_v1 tests/data/tiny.yaml --activations " + t.File("m.gz") +
                  " --json " + t.File("o.json"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "eyesim: " + t.File("m.gz") +
                ": tensor c1.ifmap: shape (2, 3, 15, 14) does not match layer c1 (2, 3, 15, 15)\n");
  EXPECT_FALSE(FileExists(t.File("o.json")));
}

TEST(TraceCli, EncodeDecodeStatsFlow) {
  TempDir t;
  const int shape[4] = {2, 8, 8, 8};
  std::vector<int16_t> v(2 * 8 * 8 * 8);
  for (size_t i = 0; i < v.size(); i++) v[i] = (int16_t)(i % 3 == 0 ? 0 : 1 + (int)(i % 97));
  WriteNpy(t.File("c2.npy"), shape, v);
  ASSERT_EQ(Eyesim("trace encode " + t.File("c2.npy") + " -o " + t.File("t.gz")).status, 0);
  auto st = Eyesim("trace stats " + t.File("t.gz"));
  ASSERT_EQ(st.status, 0) << st.err;
  EXPECT_NE(st.out.find("c2.ifmap                 (2, 8, 8, 8)"), std::string::npos) << st.out;
  EXPECT_NE(st.out.find(" 33.4 "), std::string::npos) << st.out;  // 342 of 1024 values are zero
  ASSERT_EQ(
      Eyesim("trace decode " + t.File("t.gz") + " --layer c2 -o " + t.File("back.npy")).status, 0);
  EXPECT_EQ(ReadFile(t.File("back.npy")), ReadFile(t.File("c2.npy")));
  // Replaying it: the layer is marked, and --check still passes.
  auto r = Eyesim("run eyeriss_v1 tests/data/tiny.yaml --layers c2 --check --activations " +
                  t.File("t.gz"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("activations replayed from " + t.File("t.gz") + ": c2\n"), std::string::npos)
      << r.out;
  // A bad input leaves no output behind.
  WriteFile(t.File("bad.npy"), "not numpy");
  auto bad = Eyesim("trace encode " + t.File("c2.npy") + " " + t.File("bad.npy") + " -o " +
                    t.File("u.gz"));
  EXPECT_EQ(bad.status, 1);
  EXPECT_EQ(bad.err, "eyesim: " + t.File("bad.npy") +
                         ": offset 0: expected the .npy magic \\x93NUMPY (got a file too short)\n");
  EXPECT_FALSE(FileExists(t.File("u.gz")));
  auto nodec = Eyesim("trace decode " + t.File("t.gz") + " --layer zz -o " + t.File("z.npy"));
  EXPECT_EQ(nodec.status, 1);
  EXPECT_EQ(nodec.err, "eyesim: " + t.File("t.gz") + ": zz.ifmap: no such tensor in the trace\n");
  EXPECT_FALSE(FileExists(t.File("z.npy")));
}

}  // namespace

// ---------------------------------------------------------------- access traces

namespace {

struct Rows {
  uint64_t words[2][2][3] = {};  // [unit][is_write][type]
  uint64_t rows = 0, hash = 1469598103934665603ull;
};

void CountRow(void *ctx, const ey_layer *, ey_cycle now, int unit, int is_write, int type,
              uint64_t addr, uint64_t words, int) {
  Rows *r = (Rows *)ctx;
  r->words[unit][is_write][type] += words;
  r->rows++;
  for (uint64_t v : {now, (uint64_t)unit, (uint64_t)is_write, (uint64_t)type, addr, words})
    r->hash = (r->hash ^ v) * 1099511628211ull;
}

TEST(AccessTrace, RowsAddUpToTheCountersInBothSteppings) {
  Replay rp;
  Rows rows[2];
  for (int step : {EY_STEP_FAST, EY_STEP_EXACT}) {
    ey_engine_opts o = eytest::Opts(step, 3, 0.5, 0);
    o.access = CountRow;
    o.access_ctx = &rows[step];
    ey_report r;
    ey_err err;
    ASSERT_EQ(ey_report_run(&r, &rp.a, &rp.n, rp.a.objective, nullptr, &o, nullptr, nullptr, &err),
              EY_OK)
        << err.msg;
    ey_counts sum = {};
    for (int i = 0; i < r.nlayers; i++)
      for (int ty = 0; ty < EY_NTYPES; ty++) {
        sum.dram_reads[ty] += r.res[i].meas.c.dram_reads[ty];
        sum.dram_writes[ty] += r.res[i].meas.c.dram_writes[ty];
        sum.glb_reads[ty] += r.res[i].meas.c.glb_reads[ty];
        sum.glb_writes[ty] += r.res[i].meas.c.glb_writes[ty];
      }
    for (int ty = 0; ty < EY_NTYPES; ty++) {
      SCOPED_TRACE(ty);
      EXPECT_EQ(rows[step].words[EY_ACC_DRAM][0][ty], sum.dram_reads[ty]);
      EXPECT_EQ(rows[step].words[EY_ACC_DRAM][1][ty], sum.dram_writes[ty]);
      EXPECT_EQ(rows[step].words[EY_ACC_GLB][0][ty], sum.glb_reads[ty]);
      EXPECT_EQ(rows[step].words[EY_ACC_GLB][1][ty], sum.glb_writes[ty]);
    }
    ey_report_free(&r);
  }
  EXPECT_GT(rows[0].rows, 1000u);
  EXPECT_EQ(rows[0].rows, rows[1].rows);
  EXPECT_EQ(rows[0].hash, rows[1].hash);  // the same rows, in the same order
}

TEST(AccessTrace, FilesPerLayerAndUnit) {
  TempDir t;
  std::string dir = t.File("acc");
  auto r = Eyesim("run eyeriss_v1 tests/data/tiny.yaml -q --trace-dir " + dir);
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char *layer : {"c1", "c2", "c3", "fc"})
    for (const char *unit : {"dram", "glb"}) {  // basic detail: no spad or noc files
      std::string f = dir + "/" + layer + "." + unit + ".csv.gz";
      ASSERT_TRUE(FileExists(f)) << f;
      std::string cmd = "gzip -dc '" + f + "' | head -2 > '" + t.File("head") + "'";
      ASSERT_EQ(system(cmd.c_str()), 0);
      EXPECT_EQ(ReadFile(t.File("head")), std::string("# eyesim access trace v1: layer ") + layer +
                                              ", unit " + unit +
                                              ", cycles of the core clock, addresses in words\n" +
                                              "cycle,unit,op,space,addr,words\n");
    }
  EXPECT_FALSE(FileExists(dir + "/c1.spad.csv.gz"));
  auto full =
      Eyesim("run eyeriss_v1 tests/data/tiny.yaml --layers c1 -q --trace-detail full --trace-dir " +
             t.File("f"));
  ASSERT_EQ(full.status, 0) << full.err;
  EXPECT_TRUE(FileExists(t.File("f") + "/c1.spad.csv.gz"));
  EXPECT_TRUE(FileExists(t.File("f") + "/c1.noc.csv.gz"));
  WriteFile(t.File("plain"), "x");
  auto bad =
      Eyesim("run eyeriss_v1 tests/data/tiny.yaml -q --trace-dir " + t.File("plain") + "/sub");
  EXPECT_EQ(bad.status, 1);
  EXPECT_EQ(bad.err,
            "eyesim: " + t.File("plain") + "/sub: cannot create the directory (Not a directory)\n");
  auto an = Eyesim("run eyeriss_v1 tests/data/tiny.yaml --analytic --trace-dir " + dir);
  EXPECT_EQ(an.status, 2);
}

}  // namespace

namespace {

struct Detail {
  uint64_t words[4][4][3] = {};  // [unit][op][type]
  uint64_t rows[4][4][3] = {};
};

void CountDetail(void *ctx, const ey_layer *, ey_cycle, int unit, int op, int type, uint64_t,
                 uint64_t words, int) {
  Detail *d = (Detail *)ctx;
  d->words[unit][op][type] += words;
  d->rows[unit][op][type]++;
}

TEST(AccessTrace, FullDetailRowsAddUpToSpadAndNocCounters) {
  Replay rp;
  for (int step : {EY_STEP_FAST, EY_STEP_EXACT}) {
    SCOPED_TRACE(step);
    Detail d;
    ey_engine_opts o = eytest::Opts(step, 3, 0.5, 0);
    o.access = CountDetail;
    o.access_ctx = &d;
    o.access_detail = 1;
    ey_report r;
    ey_err err;
    ASSERT_EQ(ey_report_run(&r, &rp.a, &rp.n, rp.a.objective, nullptr, &o, nullptr, nullptr, &err),
              EY_OK)
        << err.msg;
    ey_counts c = {};
    for (int i = 0; i < r.nlayers; i++) {
      const ey_counts &m = r.res[i].meas.c;
      for (int ty = 0; ty < EY_NTYPES; ty++) {
        c.spad_reads[ty] += m.spad_reads[ty];
        c.spad_writes[ty] += m.spad_writes[ty];
      }
      c.noc_ifmap += m.noc_ifmap;
      c.noc_ifmap_delivered += m.noc_ifmap_delivered;
      c.noc_filter += m.noc_filter;
      c.noc_filter_delivered += m.noc_filter_delivered;
      c.noc_psum_in += m.noc_psum_in;
      c.noc_psum_local += m.noc_psum_local;
      c.noc_psum_out += m.noc_psum_out;
    }
    for (int ty = 0; ty < EY_NTYPES; ty++) {
      SCOPED_TRACE(ty);
      EXPECT_EQ(d.words[EY_ACC_SPAD][EY_OP_READ][ty], c.spad_reads[ty]);
      EXPECT_EQ(d.words[EY_ACC_SPAD][EY_OP_WRITE][ty], c.spad_writes[ty]);
    }
    // NoC: a row per packet, its words the PEs it reached.
    auto packets = [&](int ty) {
      return d.rows[EY_ACC_NOC][EY_OP_MULTICAST][ty] + d.rows[EY_ACC_NOC][EY_OP_UNICAST][ty];
    };
    auto reached = [&](int ty) {
      return d.words[EY_ACC_NOC][EY_OP_MULTICAST][ty] + d.words[EY_ACC_NOC][EY_OP_UNICAST][ty];
    };
    EXPECT_EQ(packets(EY_IFMAP), c.noc_ifmap);
    EXPECT_EQ(reached(EY_IFMAP), c.noc_ifmap_delivered);
    EXPECT_EQ(packets(EY_FILTER), c.noc_filter);
    EXPECT_EQ(reached(EY_FILTER), c.noc_filter_delivered);
    EXPECT_EQ(packets(EY_PSUM), c.noc_psum_in + c.noc_psum_local + c.noc_psum_out);
    EXPECT_EQ(d.rows[EY_ACC_NOC][EY_OP_MULTICAST][EY_PSUM], 0u);
    ey_report_free(&r);
  }
}

// The writers behind --trace-dir, without the engine: a layer's files appear
// only once it and every layer before it are kept; the others are removed.
std::vector<std::string> Files(const std::string &dir) {
  std::vector<std::string> names;
  DIR *d = opendir(dir.c_str());
  if (!d) return names;
  while (struct dirent *e = readdir(d))
    if (e->d_name[0] != '.') names.push_back(e->d_name);
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

TEST(AccessTrace, LayersAreKeptInOrderOrRemoved) {
  TempDir t;
  const std::string dir = t.File("acc");
  ey_acctrace *w = nullptr;
  ey_err err;
  ASSERT_EQ(ey_acctrace_open(dir.c_str(), 0, 4, 3, &w, &err), EY_OK) << err.msg;
  ey_acctrace_row(w, 0, "a/b", 5, EY_ACCTRACE_DRAM, EY_ACCTRACE_READ, EY_IFMAP, 0, 12, -1);
  ey_acctrace_row(w, 1, "c", 9, EY_ACCTRACE_GLB, EY_ACCTRACE_WRITE, EY_PSUM, 3, 1, -1);
  ey_acctrace_row(w, 2, "d", 1, EY_ACCTRACE_DRAM, EY_ACCTRACE_READ, EY_FILTER, 0, 2, -1);
  ey_acctrace_ended(w, 0, EY_OK);
  ey_acctrace_ended(w, 1, EY_OK);
  ey_acctrace_ended(w, 2, EY_MISMATCH);  // failed: removed at once
  EXPECT_EQ(Files(dir).size(), 4u);      // two layers' files under temporary names
  ey_acctrace_keep(w, 0);
  ASSERT_EQ(ey_acctrace_finish(w, &err), EY_OK) << err.msg;
  ey_acctrace_free(w);
  // A slash in a layer's name is written %2F; layer 1 was never kept.
  EXPECT_EQ(Files(dir), (std::vector<std::string>{"a%2Fb.dram.csv.gz", "a%2Fb.glb.csv.gz"}));
  EXPECT_EQ(Gunzip(dir + "/a%2Fb.dram.csv.gz"),
            "# eyesim access trace v1: layer a/b, unit dram, cycles of the core clock, addresses "
            "in words\ncycle,unit,op,space,addr,words\n5,dram,read,ifmap,0,12\n");
  EXPECT_EQ(Gunzip(dir + "/a%2Fb.glb.csv.gz"),
            "# eyesim access trace v1: layer a/b, unit glb, cycles of the core clock, addresses "
            "in words\ncycle,unit,op,space,addr,words\n");
  ASSERT_EQ(ey_acctrace_open((dir + "/no/such").c_str(), 1, 4, 1, &w, &err), EY_IO);
  EXPECT_EQ(std::string(err.msg), dir +
                                      "/no/such: cannot create the directory (No such file or "
                                      "directory)");
}

// The waveform writer without the engine: the signals the globs keep, then only
// what changes, in picoseconds of the core clock.
TEST(Waveform, FramesBecomeChangesOfTheKeptSignals) {
  TempDir t;
  ey_arch a = eytest::TinyArch(1, 2);
  ey_vcd_file *w = nullptr;
  ey_err err;
  const std::string path = t.File("w.vcd");
  ASSERT_EQ(ey_vcd_begin(path.c_str(), &a, "top.array.pe_r0_c1.*,top.dram.busy", 0, &w, &err),
            EY_OK)
      << err.msg;
  unsigned char state[2] = {1, 0};
  uint32_t words[2] = {0, 0};
  std::vector<uint8_t> banks((size_t)a.glb_banks, 0);
  ey_vcd_frame fr = {};
  fr.pe_state = state;
  fr.ifmap_words = words;
  fr.psum_words = words;
  fr.bank_reads = banks.data();
  fr.bank_writes = banks.data();
  ey_vcd_sample(w, &fr);
  fr.cycle = 2;
  state[1] = 3;
  fr.dram_busy = 1;
  ey_vcd_sample(w, &fr);
  ASSERT_EQ(ey_vcd_end(w, 1, &err), EY_OK) << err.msg;
  const std::string vcd = ReadFile(path);
  const std::string defs =
      "$scope module top $end\n$scope module array $end\n"
      "$scope module pe_r0_c1 $end\n$var reg 3 ! state $end\n"
      "$var wire 1 \" mac $end\n$var reg 5 # ifmap_words $end\n"
      "$var reg 5 $ psum_words $end\n$upscope $end\n$upscope $end\n"
      "$scope module noc $end\n$upscope $end\n"
      "$scope module glb $end\n$upscope $end\n"
      "$scope module dram $end\n$var wire 1 % busy $end\n$upscope $end\n"
      "$upscope $end\n$enddefinitions $end\n";
  EXPECT_NE(vcd.find(defs), std::string::npos) << vcd;
  const uint64_t ps = 2 * 1000000ull / (uint64_t)a.core_mhz;
  EXPECT_NE(vcd.find("$enddefinitions $end\n#0\nb0 !\n1\"\nb0 #\nb0 $\n0%\n#" + std::to_string(ps) +
                     "\nb11 !\n0\"\n1%\n"),
            std::string::npos)
      << vcd;
  // Not kept: nothing is left behind.
  ASSERT_EQ(ey_vcd_begin(t.File("x.vcd").c_str(), &a, nullptr, 0, &w, &err), EY_OK);
  ASSERT_EQ(ey_vcd_end(w, 0, &err), EY_OK);
  EXPECT_EQ(Files(t.path), (std::vector<std::string>{"w.vcd"}));
}

}  // namespace
