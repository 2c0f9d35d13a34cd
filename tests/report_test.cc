// report_test.cc - the three report forms: the JSON is well formed and carries
// what docs/report.md promises, every CSV row has the header's columns, totals add
// up, and an unmappable layer is marked in every form, never dropped.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>

#include "test_util.h"

extern "C" {
#include "sim/report/run.h"
#include "sim/report/stats.h"
}

namespace {

// A strict recursive-descent JSON checker (RFC 8259 grammar, no extensions).
struct JsonChecker {
  const std::string &s;
  size_t i = 0;
  explicit JsonChecker(const std::string &text) : s(text) {}
  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')) i++;
  }
  bool lit(const char *w) {
    size_t n = std::char_traits<char>::length(w);
    if (s.compare(i, n, w)) return false;
    i += n;
    return true;
  }
  bool str() {
    if (s[i] != '"') return false;
    for (i++; i < s.size(); i++) {
      if (s[i] == '"') {
        i++;
        return true;
      }
      if ((unsigned char)s[i] < 0x20) return false;
      if (s[i] == '\\') i++;
    }
    return false;
  }
  bool num() {
    size_t st = i;
    if (s[i] == '-') i++;
    if (i >= s.size() || !isdigit((unsigned char)s[i])) return false;
    while (i < s.size() && isdigit((unsigned char)s[i])) i++;
    if (i < s.size() && s[i] == '.') {
      i++;
      if (!isdigit((unsigned char)s[i])) return false;
      while (isdigit((unsigned char)s[i])) i++;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      i++;
      if (s[i] == '+' || s[i] == '-') i++;
      if (!isdigit((unsigned char)s[i])) return false;
      while (isdigit((unsigned char)s[i])) i++;
    }
    return i > st;
  }
  bool value() {
    ws();
    if (i >= s.size()) return false;
    char c = s[i];
    bool ok;
    if (c == '{') {
      i++;
      ws();
      if (s[i] == '}') {
        i++;
        return true;
      }
      std::set<std::string> keys;  // a key twice in one object is an error here
      for (;;) {
        ws();
        const size_t k = i;
        if (!str()) return false;
        if (!keys.insert(s.substr(k, i - k)).second) return false;
        ws();
        if (s[i++] != ':') return false;
        if (!value()) return false;
        ws();
        if (s[i] == ',') {
          i++;
          continue;
        }
        if (s[i] == '}') {
          i++;
          return true;
        }
        return false;
      }
    } else if (c == '[') {
      i++;
      ws();
      if (s[i] == ']') {
        i++;
        return true;
      }
      for (;;) {
        if (!value()) return false;
        ws();
        if (s[i] == ',') {
          i++;
          continue;
        }
        if (s[i] == ']') {
          i++;
          return true;
        }
        return false;
      }
    } else if (c == '"') {
      ok = str();
    } else if (c == 't') {
      ok = lit("true");
    } else if (c == 'f') {
      ok = lit("false");
    } else if (c == 'n') {
      ok = lit("null");
    } else {
      ok = num();
    }
    return ok;
  }
  bool document() {
    if (!value()) return false;
    ws();
    return i == s.size();
  }
};

TEST(JsonChecker, RejectsMalformedText) {
  EXPECT_TRUE(JsonChecker("{\"a\": [1, 2.5e3, true, null, \"x\"]}").document());
  EXPECT_FALSE(JsonChecker("{\"a\": [1, 2,]}").document());
  EXPECT_FALSE(JsonChecker("{\"a\" 1}").document());
  EXPECT_FALSE(JsonChecker("{\"a\": nan}").document());
  EXPECT_FALSE(JsonChecker("{} {}").document());
  EXPECT_FALSE(JsonChecker("{\"a\": 1, \"a\": 2}").document());
  EXPECT_TRUE(JsonChecker("{\"a\": {\"a\": 1}, \"b\": [{\"a\": 2}, {\"a\": 3}]}").document());
}

std::string Capture(void (*fn)(const ey_report *, FILE *), const ey_report *r) {
  char *buf = nullptr;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  fn(r, f);
  fclose(f);
  std::string s(buf, len);
  free(buf);
  return s;
}

struct Built {
  ey_arch a;
  ey_net n;
  ey_report r;
  Built(const std::string &arch, const std::string &net, const char *layers) {
    a = eytest::LoadArch(arch);
    n = eytest::LoadNet(net);
    ey_err err;
    if (layers) {
      EXPECT_EQ(ey_net_select(&n, layers, &err), EY_OK) << err.msg;
    }
    EXPECT_EQ(ey_report_run(&r, &a, &n, a.objective, nullptr, nullptr, nullptr, nullptr, &err),
              EY_OK)
        << err.msg;
  }
  ~Built() {
    ey_report_free(&r);
    ey_net_free(&n);
  }
};

size_t Count(const std::string &s, char c) {
  size_t n = 0;
  bool quoted = false;
  for (char x : s) {
    if (x == '"') quoted = !quoted;
    if (x == c && !quoted) n++;
  }
  return n;
}

TEST(Report, JsonIsWellFormedAndCarriesTheSchema) {
  Built b("eyeriss_v1", "alexnet", "conv1..conv5");
  std::string js = Capture(ey_report_json, &b.r);
  EXPECT_TRUE(JsonChecker(js).document()) << js.substr(0, 400);
  for (const char *key :
       {"\"report_schema\": 2", "\"source\": \"analytic\"", "\"arch\": {",
        "\"filter_spad_words\": 224", "\"layers\": [", "\"mapping\": {", "\"accesses\": {",
        "\"energy\": {", "\"total\": {", "\"fps\":", "\"dram_bytes_per_image\":"})
    EXPECT_NE(js.find(key), std::string::npos) << key;
  // The mesh's report too, with its link counts once each.
  Built m("eyeriss_v2", "alexnet", "conv1");
  std::string mj = Capture(ey_report_json, &m.r);
  EXPECT_TRUE(JsonChecker(mj).document()) << mj.substr(0, 400);
  EXPECT_NE(mj.find("\"ifmap_links_y\": "), std::string::npos);
}

TEST(Report, CsvRowsHaveTheHeadersColumns) {
  Built b("eyeriss_v1_8x8", "alexnet", nullptr);  // conv1 cannot map on 8 rows
  std::string csv = Capture(ey_report_csv, &b.r);
  size_t start = 0, header_cols = 0;
  int rows = 0;
  while (start < csv.size()) {
    size_t end = csv.find('\n', start);
    ASSERT_NE(end, std::string::npos);
    std::string line = csv.substr(start, end - start);
    size_t cols = Count(line, ',') + 1;
    if (rows == 0) {
      header_cols = cols;
    } else {
      EXPECT_EQ(cols, header_cols) << line;
    }
    rows++;
    start = end + 1;
  }
  EXPECT_EQ(rows, 1 + b.n.nlayers);
  EXPECT_NE(csv.find(",conv1,0,analytic,"), std::string::npos);
  EXPECT_NE(csv.find("R: a filter of height 11 needs 11 PE rows"), std::string::npos);
}

// Every figure is described once, with a name in some form and a unit; the CSV's
// columns are unique and as many as ey_report_csv_columns() says (the sweep
// relies on it); the table's headings fit their cells.
TEST(Report, EveryFigureHasOneDescriptor) {
  for (int id = EY_ST_NONE + 1; id < EY_ST_COUNT; id++) {
    SCOPED_TRACE(id);
    const ey_stat &d = ey_stats[id];
    EXPECT_TRUE(d.json || d.json_total || d.csv || d.head);
    EXPECT_TRUE(d.unit && *d.unit);
    if (d.from == EY_SF_FN) {
      EXPECT_TRUE(d.kind == EY_SK_UINT ? d.count != nullptr : d.real != nullptr);
    }
    if (d.head) {
      EXPECT_GE(d.width, (int)strlen(d.head));
    }
  }
  char *text = nullptr;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  ey_report_csv_header(f);
  fclose(f);
  std::string header(text, len);
  free(text);
  ASSERT_EQ(header.back(), '\n');
  header.pop_back();
  std::set<std::string> names;
  size_t cols = 0;
  for (size_t at = 0; at <= header.size(); cols++) {
    size_t comma = std::min(header.find(',', at), header.size());
    EXPECT_TRUE(names.insert(header.substr(at, comma - at)).second)
        << header.substr(at, comma - at);
    at = comma + 1;
  }
  EXPECT_EQ((int)cols, ey_report_csv_columns());
  for (const char *col : {"spad_filter_writes", "energy_dram", "pe_blocked_out", "error"})
    EXPECT_TRUE(names.count(col)) << col;
}

TEST(Report, UnmappableLayerIsMarkedAndLeftOutOfTotals) {
  Built b("eyeriss_v1_8x8", "alexnet", "conv1..conv2");
  ASSERT_EQ(b.r.nlayers, 2);
  EXPECT_FALSE(b.r.res[0].mapped);
  EXPECT_TRUE(b.r.res[1].mapped);
  ey_totals t;
  ey_report_totals(&b.r, &t);
  EXPECT_EQ(t.unmapped, 1);
  EXPECT_EQ(t.mapped, 1);
  EXPECT_EQ(t.macs, b.r.res[1].cost.c.macs);
  std::string table = Capture(ey_report_table, &b.r);
  EXPECT_NE(table.find("conv1  cannot map: R: a filter of height 11"), std::string::npos) << table;
  EXPECT_NE(table.find("1 of 2 layers could not map"), std::string::npos);
  std::string js = Capture(ey_report_json, &b.r);
  EXPECT_TRUE(JsonChecker(js).document());
  EXPECT_NE(js.find("\"mapped\": false"), std::string::npos);
  EXPECT_NE(js.find("\"layers_unmapped\": 1"), std::string::npos);
}

TEST(Report, TotalsAreSumsOfLayers) {
  Built b("eyeriss_v1", "alexnet", "conv1..conv5");
  ey_totals t;
  ey_report_totals(&b.r, &t);
  uint64_t cycles = 0, macs = 0, bytes = 0;
  double energy = 0;
  for (int i = 0; i < b.r.nlayers; i++) {
    cycles += b.r.res[i].cost.cycles;
    macs += b.r.res[i].cost.c.macs;
    bytes += ey_cost_dram_bytes(&b.r.res[i].cost, &b.a);
    energy += b.r.res[i].cost.energy_total;
  }
  EXPECT_EQ(t.cycles, cycles);
  EXPECT_EQ(t.macs, macs);
  EXPECT_EQ(t.dram_bytes, bytes);
  EXPECT_DOUBLE_EQ(t.energy_total, energy);
  // Time at 200 MHz; frames per second of a batch of 4; 2 ops per MAC.
  EXPECT_DOUBLE_EQ(t.time_ms, (double)cycles / 200e3);
  EXPECT_NEAR(t.fps, 4 / (t.time_ms / 1e3), 1e-9);
  EXPECT_NEAR(t.gops, 2.0 * macs / (t.time_ms / 1e3) / 1e9, 1e-9);
  EXPECT_DOUBLE_EQ(t.dram_bytes_per_image, bytes / 4.0);
  double levels = 0;
  for (int lv = 0; lv < EY_NLEVELS; lv++) levels += t.energy[lv];
  EXPECT_NEAR(levels, t.energy_total, 1e-6 * t.energy_total);
}

// The analytic estimate of Eyeriss v1 on AlexNet CONV1-5 against the chip's
// published 115.3 ms per batch of 4 (ISSCC 2016). The cycle-level engine will be
// held to this; the analytic model, which has no stalls, must at least be near.
TEST(Report, AnalyticAlexNetIsNearThePublishedLatency) {
  Built b("eyeriss_v1", "alexnet", "conv1..conv5");
  ey_totals t;
  ey_report_totals(&b.r, &t);
  EXPECT_NEAR(t.macs / 1e6, 2663, 1);
  EXPECT_GT(t.time_ms, 115.3 * 0.8);
  EXPECT_LT(t.time_ms, 115.3 * 1.2);
}

}  // namespace
