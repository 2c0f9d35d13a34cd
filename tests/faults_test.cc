// faults_test.cc - outputs under faults: a run killed while it writes leaves no
// final name half-written, and the next run leaves no temporary file; a full disk
// or a full stdout is an error with a message, not a silent exit 0; an output
// folder that does not exist fails before the simulation.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

using eytest::Eyesim;
using eytest::FileExists;
using eytest::ReadFile;
using eytest::TempDir;

namespace {

// Every name under dir (recursively) that holds ".tmp".
std::vector<std::string> Temporaries(const std::string &dir) {
  std::vector<std::string> found;
  DIR *d = opendir(dir.c_str());
  if (!d) return found;
  while (struct dirent *e = readdir(d)) {
    std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    std::string full = dir + "/" + n;
    if (n.find(".tmp") != std::string::npos) found.push_back(full);
    std::vector<std::string> sub = Temporaries(full);
    found.insert(found.end(), sub.begin(), sub.end());
  }
  closedir(d);
  return found;
}

// Starts eyesim with `args` (argv words) from the source folder; returns its PID.
pid_t Start(const std::vector<std::string> &args) {
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(EY_SRC_DIR) != 0) _exit(127);
    std::vector<char *> argv;
    argv.push_back(const_cast<char *>(EY_BIN));
    for (const std::string &a : args) argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execv(EY_BIN, argv.data());
    _exit(127);
  }
  return pid;
}

// Waits up to 60 s for a temporary file under dir while pid runs; 1 when one
// appeared.
bool AwaitTemporary(const std::string &dir, pid_t pid) {
  for (int i = 0; i < 60000; i++) {
    if (!Temporaries(dir).empty()) return true;
    int st;
    if (waitpid(pid, &st, WNOHANG) == pid) return false; /* ended first */
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

struct OutputKind {
  const char *what;
  std::vector<std::string> args;   /* "@" stands for the output folder */
  std::vector<std::string> finals; /* of the killed run */
  std::vector<std::string> again;  /* of the next run, on conv5 */
};

std::vector<std::string> WithDir(const std::vector<std::string> &args, const std::string &dir) {
  std::vector<std::string> out;
  for (std::string a : args) {
    size_t at = a.find('@');
    if (at != std::string::npos) a.replace(at, 1, dir);
    out.push_back(a);
  }
  return out;
}

// tests/data/stop.yaml: layer big takes seconds, a1 a moment.
const std::vector<OutputKind> &Kinds() {
  static const std::vector<OutputKind> k = {
      {"json",
       {"run", "eyeriss_v1", "tests/data/stop.yaml", "--layers", "big", "-j1", "-q", "--json",
        "@/r.json"},
       {"r.json"},
       {"r.json"}},
      {"csv",
       {"run", "eyeriss_v1", "tests/data/stop.yaml", "--layers", "big", "-j1", "-q", "--csv",
        "@/r.csv"},
       {"r.csv"},
       {"r.csv"}},
      {"vcd",
       {"run", "eyeriss_v1", "tests/data/stop.yaml", "--layers", "big", "-j1", "-q", "--vcd",
        "@/w.vcd", "--vcd-window", "0:2000000"},
       {"w.vcd"},
       {"w.vcd"}},
      {"trace-dir",
       {"run", "eyeriss_v1", "tests/data/stop.yaml", "--layers", "big", "-j1", "-q", "--trace-dir",
        "@/tr"},
       {"tr/big.dram.csv.gz", "tr/big.glb.csv.gz"},
       {"tr/a1.dram.csv.gz", "tr/a1.glb.csv.gz"}},
      {"mapping file",
       {"map", "eyeriss_v1", "vgg16", "--batch", "64", "--out", "@/m.yaml"},
       {"m.yaml"},
       {"m.yaml"}},
  };
  return k;
}

}  // namespace

// SIGKILL cannot be caught: the killed run's temporary files stay until the next
// run writes the same outputs, which removes them. No final name ever appears
// half-written.
TEST(Faults, AKilledRunLeavesNoFinalNameAndTheNextRunNoTemporary) {
  for (const OutputKind &k : Kinds()) {
    SCOPED_TRACE(k.what);
    TempDir t;
    pid_t pid = Start(WithDir(k.args, t.path));
    ASSERT_GT(pid, 0);
    ASSERT_TRUE(AwaitTemporary(t.path, pid)) << "no temporary file while writing " << k.what;
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    ASSERT_TRUE(WIFSIGNALED(st));
    for (const std::string &f : k.finals) EXPECT_FALSE(FileExists(t.File(f))) << f;
    EXPECT_FALSE(Temporaries(t.path).empty()); /* what SIGKILL leaves */

    // The next run, the same outputs on a short job.
    std::vector<std::string> again = k.args;
    for (std::string &a : again) {
      if (a == "big") a = "a1";
      if (a == "vgg16") a = "alexnet";
    }
    std::string cmd;
    for (const std::string &a : WithDir(again, t.path)) cmd += "'" + a + "' ";
    eytest::CmdResult r = Eyesim(cmd);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(Temporaries(t.path), std::vector<std::string>{});
    for (const std::string &f : k.again) EXPECT_TRUE(FileExists(t.File(f))) << f;
  }
}

// SIGTERM is caught: the run stops, writes what it finished and removes its
// temporary files before it exits.
TEST(Faults, ATerminatedRunLeavesNoTemporary) {
  TempDir t;
  pid_t pid =
      Start(WithDir({"run", "eyeriss_v1", "tests/data/stop.yaml", "--layers", "a1..big", "-j1",
                     "-q", "--json", "@/r.json", "--csv", "@/r.csv", "--trace-dir", "@/tr"},
                    t.path));
  ASSERT_TRUE(AwaitTemporary(t.path, pid));
  kill(pid, SIGTERM);
  int st;
  waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 128 + SIGTERM);
  EXPECT_EQ(Temporaries(t.path), std::vector<std::string>{});
  std::string json = ReadFile(t.File("r.json"));
  EXPECT_NE(json.find("\"complete\": false"), std::string::npos) << json.substr(0, 400);
}

// A temporary file of a process that still runs is not touched.
TEST(Faults, TheTemporaryFileOfALiveProcessStays) {
  TempDir t;
  std::string live = t.File("r.json.tmp" + std::to_string(getpid()) + ".abcdef");
  std::string dead = t.File("r.json.tmp999999999.abcdef"); /* above any PID */
  eytest::WriteFile(live, "x");
  eytest::WriteFile(dead, "x");
  eytest::CmdResult r =
      Eyesim("run eyeriss_v1 alexnet --analytic -q --json '" + t.File("r.json") + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(FileExists(live));
  EXPECT_FALSE(FileExists(dead));
}

TEST(Faults, AMissingOutputFolderFailsBeforeTheSimulation) {
  for (const char *opt : {"--json", "--csv"}) {
    auto t0 = std::chrono::steady_clock::now();
    eytest::CmdResult r =
        Eyesim(std::string("run eyeriss_v1 alexnet -j1 ") + opt + " /nonexistent-eyesim/r.out");
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err,
              "eyesim: /nonexistent-eyesim/r.out: cannot create (No such file or directory)\n");
    EXPECT_EQ(r.out, ""); /* not even the table's head: nothing was simulated */
    EXPECT_LT(s, 20.0);   /* the whole of AlexNet takes far longer */
  }
  eytest::CmdResult r = Eyesim("map eyeriss_v1 alexnet --out /nonexistent-eyesim/m.yaml");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
}

TEST(Faults, AFullStdoutIsAnError) {
  TempDir t;
  for (const char *args : {"run eyeriss_v1 alexnet --analytic", "map eyeriss_v1 alexnet",
                           "config eyeriss_v1", "keys", "--help", "--version"}) {
    SCOPED_TRACE(args);
    std::string cmd = std::string("cd '") + EY_SRC_DIR + "' && '" + EY_BIN + "' " + args +
                      " >/dev/full 2>'" + t.File("err") + "'";
    int st = system(cmd.c_str());
    ASSERT_TRUE(WIFEXITED(st));
    EXPECT_EQ(WEXITSTATUS(st), 1);
    EXPECT_EQ(ReadFile(t.File("err")), "eyesim: stdout: write failed (No space left on device)\n");
  }
}

TEST(Faults, SimulationOnlyOptionsWithAnalyticAreRefused) {
  eytest::CmdResult r = Eyesim("run eyeriss_v1 alexnet --analytic --check");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            "eyesim: --check: the golden comparison needs the cycle-level simulation (got "
            "--analytic)\n");
  r = Eyesim("run eyeriss_v1 alexnet --analytic --step exact");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eyesim: --step: stepping needs the cycle-level simulation (got --analytic)\n");
  r = Eyesim("run eyeriss_v1 alexnet --analytic --replay off");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            "eyesim: --replay: stepping needs the cycle-level simulation (got --analytic)\n");
}

// A full disk: a tmpfs of 64 KiB, nearly filled. Needs root (mount); skipped
// otherwise.
TEST(Faults, AFullDiskLeavesNoPartialReport) {
  TempDir t;
  std::string mnt = t.File("mnt");
  ASSERT_EQ(mkdir(mnt.c_str(), 0755), 0);
  if (geteuid() != 0 || mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=64k") != 0)
    GTEST_SKIP() << "needs root to mount a small tmpfs (a full disk); not run";
  struct Unmount {
    std::string m;
    ~Unmount() {
      umount(m.c_str());
    }
  } um{mnt};
  // Fill it to the last few KiB: the reports below are larger.
  ASSERT_EQ(system(("dd if=/dev/zero of='" + mnt + "/fill' bs=1k count=60 2>/dev/null").c_str()),
            0);
  for (const char *opt : {"--json", "--csv"}) {
    SCOPED_TRACE(opt);
    eytest::CmdResult r =
        Eyesim(std::string("run eyeriss_v1 vgg16 --analytic -q ") + opt + " '" + mnt + "/r.out'");
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "eyesim: " + mnt + "/r.out: write failed (No space left on device)\n");
    EXPECT_FALSE(FileExists(mnt + "/r.out"));
    EXPECT_EQ(Temporaries(mnt), std::vector<std::string>{});
  }
  eytest::CmdResult r = Eyesim("run eyeriss_v1 tests/data/stop.yaml --layers a1 -j1 -q --vcd '" +
                               mnt + "/w.vcd' --vcd-window 0:100000");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  EXPECT_FALSE(FileExists(mnt + "/w.vcd"));
  EXPECT_EQ(Temporaries(mnt), std::vector<std::string>{});
}
