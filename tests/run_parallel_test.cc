// run_parallel_test.cc - `eyesim run -j N`: the table, JSON, CSV, access traces
// and waveform are the same bytes whatever N; a failing layer fails the run as
// with one job; a run stopped by SIGINT or SIGTERM keeps, and says it keeps, the
// layers done before the first unfinished one, with exit status 128+N.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cctype>
#include <chrono>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "test_util.h"

extern "C" {
#include "sim/report/run.h"
}

using eytest::Eyesim;
using eytest::FileExists;
using eytest::ReadFile;
using eytest::TempDir;

namespace {

const std::string kSrc = EY_SRC_DIR;
const char *kTiny = "eyeriss_v1 tests/data/tiny.yaml";

// Every file of `dir` by name, gzip files decompressed (a .gz name keeps its suffix).
std::map<std::string, std::string> Contents(const std::string &dir) {
  std::map<std::string, std::string> files;
  DIR *d = opendir(dir.c_str());
  if (!d) return files;
  while (struct dirent *e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    std::string path = dir + "/" + name, text;
    if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) {
      gzFile g = gzopen(path.c_str(), "rb");
      EXPECT_NE(g, nullptr) << path;
      char buf[65536];
      int n;
      while (g && (n = gzread(g, buf, sizeof buf)) > 0) text.append(buf, (size_t)n);
      if (g) {
        EXPECT_EQ(gzclose(g), Z_OK) << path;
      }
    } else {
      text = ReadFile(path);
    }
    files[name] = text;
  }
  closedir(d);
  return files;
}

std::vector<std::string> Names(const std::map<std::string, std::string> &files) {
  std::vector<std::string> v;
  for (auto &f : files) v.push_back(f.first);
  return v;
}

// A strict check of JSON syntax (RFC 8259), enough to tell a whole report from a
// cut one. Returns "" or where it went wrong.
struct JsonCheck {
  const std::string &s;
  size_t i = 0;
  explicit JsonCheck(const std::string &text) : s(text) {}
  void Ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')) i++;
  }
  bool Lit(const char *w) {
    size_t n = strlen(w);
    if (s.compare(i, n, w) != 0) return false;
    i += n;
    return true;
  }
  bool Str() {
    if (s[i] != '"') return false;
    for (i++; i < s.size() && s[i] != '"'; i++)
      if (s[i] == '\\') i++;
    return i++ < s.size();
  }
  bool Num() {
    size_t b = i;
    if (s[i] == '-') i++;
    while (i < s.size() && (isdigit((unsigned char)s[i]) || strchr(".eE+-", s[i]))) i++;
    return i > b;
  }
  bool Value() {
    Ws();
    if (i >= s.size()) return false;
    bool ok;
    if (s[i] == '{' || s[i] == '[') {
      char close = s[i] == '{' ? '}' : ']';
      bool obj = s[i++] == '{';
      Ws();
      if (s[i] == close) {
        i++;
        return true;
      }
      for (;;) {
        if (obj) {
          Ws();
          if (!Str()) return false;
          Ws();
          if (s[i++] != ':') return false;
        }
        if (!Value()) return false;
        Ws();
        if (s[i] == ',') {
          i++;
          continue;
        }
        return s[i++] == close;
      }
    }
    if (s[i] == '"')
      ok = Str();
    else if (s[i] == 't')
      ok = Lit("true");
    else if (s[i] == 'f')
      ok = Lit("false");
    else if (s[i] == 'n')
      ok = Lit("null");
    else
      ok = Num();
    return ok;
  }
  std::string Run() {
    if (!Value()) return "bad JSON near offset " + std::to_string(i);
    Ws();
    return i == s.size() ? "" : "text after the value at offset " + std::to_string(i);
  }
};

int Fields(const std::string &line) {
  int n = 1;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) n++;
  }
  return n;
}

std::vector<std::string> Lines(const std::string &text) {
  std::vector<std::string> v;
  size_t b = 0;
  for (size_t e; (e = text.find('\n', b)) != std::string::npos; b = e + 1)
    v.push_back(text.substr(b, e - b));
  if (b < text.size()) v.push_back(text.substr(b));
  return v;
}

TEST(RunParallel, TheReportsAreTheSameWhateverTheJobs) {
  for (std::string args :
       {std::string(kTiny) + " --check --zeros 0.3",
        std::string("eyeriss_v1 alexnet --layers conv1..conv5 --batch 1 --analytic")}) {
    SCOPED_TRACE(args);
    TempDir t;
    std::string want_out, want_json, want_csv;
    for (const char *j : {"-j 1", "-j 2", "-j4", "--jobs=3"}) {
      SCOPED_TRACE(j);
      auto r = Eyesim("run " + args + " " + j + " --json " + t.File("o.json") + " --csv " +
                      t.File("o.csv"));
      ASSERT_EQ(r.status, 0) << r.err;
      EXPECT_EQ(r.err, "");
      std::string js = ReadFile(t.File("o.json")), csv = ReadFile(t.File("o.csv"));
      EXPECT_EQ(JsonCheck(js).Run(), "");
      EXPECT_EQ(js.find("\"complete\""), std::string::npos);  // only a stopped run says
      if (want_out.empty()) {
        want_out = r.out;
        want_json = js;
        want_csv = csv;
        EXPECT_NE(r.out.find("\ntotal "), std::string::npos) << r.out;
        continue;
      }
      EXPECT_EQ(r.out, want_out);
      EXPECT_EQ(js, want_json);
      EXPECT_EQ(csv, want_csv);
    }
  }
}

// The library: ey_report_run with three jobs tells every layer once, in order, on
// the calling thread, and measures what it measures with one job at a time.
TEST(RunParallel, LayersAreToldInOrderWithTheSameFigures) {
  ey_arch a = eytest::LoadArch("eyeriss_v1");
  ey_net n;
  ey_err err;
  ASSERT_EQ(ey_net_load((kSrc + "/tests/data/tiny.yaml").c_str(), &n, &err), EY_OK) << err.msg;
  ey_engine_opts o = eytest::Opts(EY_STEP_FAST, 3, 0.2, 1);
  ey_report want, got;
  ASSERT_EQ(ey_report_run(&want, &a, &n, a.objective, nullptr, &o, nullptr, nullptr, &err), EY_OK)
      << err.msg;
  struct Told {
    std::vector<int> order;
    pthread_t caller;
    bool other_thread = false;
  } told;
  told.caller = pthread_self();
  ey_run_ctl ctl;
  memset(&ctl, 0, sizeof ctl);
  ctl.jobs = 3;
  ctl.ctx = &told;
  ctl.done = [](void *ctx, const ey_report *r, int i) {
    Told *t = static_cast<Told *>(ctx);
    t->order.push_back(i);
    t->other_thread |= !pthread_equal(t->caller, pthread_self());
    EXPECT_TRUE(r->res[i].simulated) << i;
  };
  ASSERT_EQ(ey_report_run(&got, &a, &n, a.objective, nullptr, &o, nullptr, &ctl, &err), EY_OK)
      << err.msg;
  EXPECT_EQ(ctl.abandoned, 0);
  EXPECT_EQ(got.stopped, 0);
  EXPECT_EQ(told.order, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_FALSE(told.other_thread);
  ASSERT_EQ(got.nlayers, want.nlayers);
  for (int i = 0; i < got.nlayers; i++) {
    SCOPED_TRACE(i);
    EXPECT_EQ(memcmp(&got.res[i].meas, &want.res[i].meas, sizeof got.res[i].meas), 0);
    EXPECT_EQ(got.res[i].meas_energy_total, want.res[i].meas_energy_total);
    EXPECT_TRUE(got.res[i].meas.checked);
  }
  ey_report_free(&want);
  ey_report_free(&got);
  ey_net_free(&n);
}

// Layers that end while `done` is busy with an earlier one are still counted as
// ended: a slow `done` does not hold back the layers after them.
TEST(RunParallel, ASlowDoneCallbackDoesNotStallTheRun) {
  ey_arch a = eytest::LoadArch("eyeriss_v1");
  std::string y = "name: eight\nbatch: 1\nindependent: true\nlayers:\n";
  for (int i = 0; i < 8; i++)
    y += "  - {name: l" + std::to_string(i) + ", C: 3, M: 8, H: 9, W: 9, R: 3, S: 3, pad: 1}\n";
  ey_net n;
  ey_err err;
  ASSERT_EQ(ey_net_load_string("eight.yaml", y.c_str(), &n, &err), EY_OK) << err.msg;
  ey_engine_opts o = eytest::Opts(EY_STEP_FAST, 1, 0, 0);
  std::vector<int> order;
  ey_run_ctl ctl;
  memset(&ctl, 0, sizeof ctl);
  ctl.jobs = 2;
  ctl.ctx = &order;
  ctl.done = [](void *ctx, const ey_report *, int i) {
    static_cast<std::vector<int> *>(ctx)->push_back(i);
    usleep(30000);  // the next layers end meanwhile
  };
  ey_report r;
  ASSERT_EQ(ey_report_run(&r, &a, &n, a.objective, nullptr, &o, nullptr, &ctl, &err), EY_OK)
      << err.msg;
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
  ey_report_free(&r);
  ey_net_free(&n);
}

TEST(RunParallel, AccessTracesAndWaveformsAreTheSameWhateverTheJobs) {
  TempDir t;
  std::map<std::string, std::string> want;
  std::string want_vcd;
  for (const char *j : {"1", "2"}) {
    SCOPED_TRACE(j);
    std::string dir = t.File(std::string("tr") + j), vcd = t.File(std::string("w") + j + ".vcd");
    // The window ends inside c2: c1 and c2 run one at a time, c3 and fc beside each other.
    auto r =
        Eyesim(std::string("run ") + kTiny + " -q -j " + j + " --trace-detail full --trace-dir " +
               dir + " --vcd " + vcd + " --vcd-window 100:6000");
    ASSERT_EQ(r.status, 0) << r.err;
    auto got = Contents(dir);
    EXPECT_EQ(got.size(), 16u);  // 4 layers x dram, glb, spad, noc
    EXPECT_GT(got["c3.glb.csv.gz"].size(), 1000u);
    if (want.empty()) {
      want = got;
      want_vcd = ReadFile(vcd);
      EXPECT_GT(want_vcd.size(), 1000u);
      continue;
    }
    EXPECT_EQ(Names(got), Names(want));
    for (auto &f : want) EXPECT_TRUE(got[f.first] == f.second) << f.first << " differs";
    EXPECT_TRUE(ReadFile(vcd) == want_vcd) << "the waveform differs";
  }
}

// A layer that fails (here its activation tensor has another shape) fails the run
// as with one job: the same message, the traces of the layers before it kept and
// the others removed, whatever the layers after it were doing.
TEST(RunParallel, AFailingLayerFailsTheRunAsWithOneJob) {
  TempDir t;
  ASSERT_EQ(
      Eyesim("trace synth tests/data/tiny.yaml --layers c3 --batch 1 -o " + t.File("a.gz")).status,
      0);
  std::string want_err, want_out;
  for (const char *j : {"1", "2"}) {
    SCOPED_TRACE(j);
    std::string dir = t.File(std::string("tr") + j);
    auto r = Eyesim(std::string("run ") + kTiny + " -j " + j + " --activations " + t.File("a.gz") +
                    " --trace-dir " + dir + " --json " + t.File("o.json"));
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err,
              "eyesim: " + t.File("a.gz") +
                  ": tensor c3.ifmap: shape (1, 8, 8, 8) does not match layer c3 (2, 8, 8, 8)\n");
    EXPECT_EQ(Names(Contents(dir)), (std::vector<std::string>{"c1.dram.csv.gz", "c1.glb.csv.gz",
                                                              "c2.dram.csv.gz", "c2.glb.csv.gz"}));
    EXPECT_FALSE(FileExists(t.File("o.json")));
    // The rows of the layers done came out before the error.
    EXPECT_NE(r.out.find("\nc2 "), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("\nc3 "), std::string::npos) << r.out;
    if (want_out.empty()) want_out = r.out;
    EXPECT_EQ(r.out, want_out);
  }
}

TEST(RunParallel, JobsAreDocumentedAndChecked) {
  auto h = Eyesim("help run");
  EXPECT_NE(h.out.find("-j, --jobs N"), std::string::npos) << h.out;
  EXPECT_NE(h.out.find("With --vcd"), std::string::npos) << h.out;
  EXPECT_NE(h.out.find("130 for Ctrl-C"), std::string::npos) << h.out;
  for (const char *bad : {"-j 0", "-j x", "-j1025", "--jobs=-2"}) {
    auto r = Eyesim(std::string("run ") + kTiny + " --analytic " + bad);
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_EQ(r.err.rfind("eyesim: -j: must be an integer from 1 to 1024 (got ", 0), 0u) << r.err;
  }
  EXPECT_EQ(Eyesim(std::string("map ") + kTiny + " -j 2").status, 2);
  std::string readme = ReadFile(kSrc + "/README.md");
  EXPECT_NE(readme.find("[-j N]"), std::string::npos);
  EXPECT_NE(ReadFile(kSrc + "/docs/report.md").find("`complete`"), std::string::npos);
}

// ------------------------------------------------------------------ stopped runs

struct Stopped {
  int status = -1;  // exit status, or -1 when the process did not exit
  std::string out, err;
};

// Runs eyesim with `args` (stdout on a pipe, stderr in a file), reads stdout until
// `until` has appeared, sends `sig`, and reads the rest. The layer after the one
// awaited takes seconds, so the signal always comes while it runs; the deadline
// only ends a test that would otherwise hang.
Stopped RunAndStop(const std::vector<std::string> &args, const std::string &until, int sig,
                   const TempDir &t) {
  Stopped res;
  int p[2];
  if (pipe(p)) return res;
  const std::string errf = t.File("stderr");
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(EY_SRC_DIR)) _exit(126);
    dup2(p[1], 1);
    int fd = open(errf.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    dup2(fd, 2);
    close(p[0]);
    close(p[1]);
    std::vector<char *> argv;
    for (auto &a : args) argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    execv(EY_BIN, argv.data());
    _exit(127);
  }
  close(p[1]);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(240);
  bool sent = false;
  char buf[4096];
  for (;;) {
    if (!sent && res.out.find(until) != std::string::npos) {
      kill(pid, sig);
      sent = true;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      break;
    }
    struct pollfd pf = {p[0], POLLIN, 0};
    if (poll(&pf, 1, (int)left.count()) <= 0) continue;
    ssize_t n = read(p[0], buf, sizeof buf);
    if (n <= 0) break;
    res.out.append(buf, (size_t)n);
  }
  close(p[0]);
  int st;
  waitpid(pid, &st, 0);
  res.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  res.err = ReadFile(errf);
  return res;
}

void ExpectTwoLayersKept(const Stopped &r, const TempDir &t, int status) {
  EXPECT_EQ(r.status, status) << r.err;
  EXPECT_EQ(r.err, "eyesim: stopped: 2 of 4 layers simulated (a1, a2); the reports hold those\n");
  // The table: its head, two rows, the total and the summary, saying it was stopped.
  EXPECT_NE(r.out.find("\na1 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\na2 "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\nbig "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\na4 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\ntotal "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nstopped after 2 of 4 layers; the table and the totals cover those.\n"),
            std::string::npos)
      << r.out;
  // The JSON: whole, and holding exactly those two.
  std::string js = ReadFile(t.File("o.json"));
  EXPECT_EQ(JsonCheck(js).Run(), "");
  EXPECT_NE(js.find("\n  \"complete\": false,\n  \"layers_done\": 2,\n  \"layers_total\": 4,\n"),
            std::string::npos)
      << js.substr(0, 300);
  EXPECT_NE(js.find("\"name\": \"a1\""), std::string::npos);
  EXPECT_NE(js.find("\"name\": \"a2\""), std::string::npos);
  EXPECT_EQ(js.find("\"name\": \"big\""), std::string::npos);
  EXPECT_EQ(js.find("\"name\": \"a4\""), std::string::npos);
  EXPECT_NE(js.find("\"layers_mapped\": 2,"), std::string::npos);
  // The CSV: the header and two whole rows.
  auto csv = Lines(ReadFile(t.File("o.csv")));
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_EQ(csv[1].rfind("eyeriss_v1,stop,1,a1,1,cycle-level,", 0), 0u);
  EXPECT_EQ(csv[2].rfind("eyeriss_v1,stop,1,a2,1,cycle-level,", 0), 0u);
  for (auto &l : csv) EXPECT_EQ(Fields(l), Fields(csv[0])) << l;
  // The traces of those two; nothing else in the folder (no temporary file).
  EXPECT_EQ(Names(Contents(t.File("tr"))),
            (std::vector<std::string>{"a1.dram.csv.gz", "a1.glb.csv.gz", "a2.dram.csv.gz",
                                      "a2.glb.csv.gz"}));
  std::vector<std::string> left;
  for (auto &f : Names(Contents(t.path)))
    if (f.find(".tmp") != std::string::npos) left.push_back(f);
  EXPECT_TRUE(left.empty()) << left[0];
}

std::vector<std::string> StopArgs(const TempDir &t, const char *jobs) {
  return {"eyesim",      "run",
          "eyeriss_v1",  "tests/data/stop.yaml",
          "-j",          jobs,
          "--json",      t.File("o.json"),
          "--csv",       t.File("o.csv"),
          "--trace-dir", t.File("tr")};
}

// One job: the signal comes once the second row is out, while `big` runs.
TEST(RunParallel, AnInterruptedRunKeepsTheLayersDone) {
  TempDir t;
  auto r = RunAndStop(StopArgs(t, "1"), "\na2 ", SIGINT, t);
  ExpectTwoLayersKept(r, t, 130);
}

// Two jobs: `a4` is done long before `big`, but a report holds the layers done
// before the first unfinished one, so it is left out, and its traces removed.
TEST(RunParallel, ATerminatedRunLeavesOutLayersAfterAnUnfinishedOne) {
  TempDir t;
  auto r = RunAndStop(StopArgs(t, "2"), "\na2 ", SIGTERM, t);
  ExpectTwoLayersKept(r, t, 143);
}

}  // namespace
