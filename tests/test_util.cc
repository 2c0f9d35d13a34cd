// test_util.cc - see test_util.h.
#include "test_util.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
  static const std::vector<std::string> v = {"eyeriss_v1", "eyeriss_v1_8x8", "eyeriss_v1_16x16",
                                             "eyeriss_v1_32x32"};
  return v;
}

const std::vector<std::string> &ShippedNets() {
  static const std::vector<std::string> v = {"alexnet", "vgg16", "mobilenet_v1", "resnet50",
                                             "googlenet"};
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

}  // namespace eytest
