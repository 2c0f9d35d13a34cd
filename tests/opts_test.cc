// opts_test.cc - the command line's option parser (sim/cli/opts.h): every kind
// of option and spelling, one-line errors that name the option, what was
// expected and what was found, and the --help printed from the same table.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "sim/cli/opts.h"
}

namespace {

struct Opts {
  int flag = 0, n = 7, choice = -1;
  uint64_t seed = 1;
  double frac = 0, scale = 1;
  const char *out = nullptr;
  ey_opt_list sets{};
  int from = 0, to = 0;
};

int ParseRange(void *opts, const char *val) {
  Opts *o = static_cast<Opts *>(opts);
  return sscanf(val, "%d:%d", &o->from, &o->to) == 2 && o->from < o->to ? 0 : -1;
}

const ey_opt_choice kChoices[] = {{"fast", 0}, {"exact", 1}, {"slow", 2}, {nullptr, 0}};

enum { A = 1, B = 2 };

std::vector<ey_opt> Table() {
  std::vector<ey_opt> t(8);
  t[0].name = "--flag";
  t[0].kind = EY_OPT_FLAG;
  t[0].cmds = A | B;
  t[0].offset = offsetof(Opts, flag);
  t[0].help = "a flag";
  t[1].name = "--jobs";
  t[1].short_name = 'j';
  t[1].kind = EY_OPT_INT;
  t[1].value = "N";
  t[1].cmds = A;
  t[1].offset = offsetof(Opts, n);
  t[1].lo = 1;
  t[1].hi = 8;
  t[1].help = "jobs\nsecond line";
  t[2].name = "--seed";
  t[2].kind = EY_OPT_U64;
  t[2].value = "S";
  t[2].cmds = A;
  t[2].offset = offsetof(Opts, seed);
  t[2].help = "seed";
  t[3].name = "--frac";
  t[3].kind = EY_OPT_REAL;
  t[3].value = "F";
  t[3].cmds = A;
  t[3].offset = offsetof(Opts, frac);
  t[3].lo = 0;
  t[3].hi = 1;
  t[3].help = "a fraction";
  t[4].name = "--mode";
  t[4].kind = EY_OPT_CHOICE;
  t[4].value = "M";
  t[4].cmds = A;
  t[4].offset = offsetof(Opts, choice);
  t[4].choices = kChoices;
  t[4].help = "a mode";
  t[5].short_name = 'o';
  t[5].kind = EY_OPT_STR;
  t[5].value = "FILE";
  t[5].cmds = B;
  t[5].offset = offsetof(Opts, out);
  t[5].help = "the output";
  t[6].name = "--set";
  t[6].kind = EY_OPT_LIST;
  t[6].value = "K=V";
  t[6].cmds = A;
  t[6].offset = offsetof(Opts, sets);
  t[6].max = 2;
  t[6].help = "repeatable";
  t[7].name = "--range";
  t[7].kind = EY_OPT_CALL;
  t[7].value = "A:B";
  t[7].cmds = A;
  t[7].parse = ParseRange;
  t[7].expect = "expected A:B with A < B";
  t[7].listed = B;
  t[7].help = "a range";
  return t;
}

struct Parsed {
  int r;
  std::string msg;
  Opts o;
  std::vector<std::string> args;
  std::vector<std::string> sets;  // o.sets, copied before it is freed
};

// Parses argv, which must outlive what the options point to.
Parsed Parse(unsigned cmd, std::vector<std::string> &argv, int max_args = 1) {
  static std::vector<ey_opt> table = Table();
  ey_opt_cmd c = {};
  c.name = cmd == A ? "cmd a" : "cmd b";
  c.cmd = cmd;
  c.opts = table.data();
  c.nopts = (int)table.size();
  c.max_args = max_args;
  c.hint = cmd == B ? "(it takes -o FILE)" : nullptr;
  std::vector<char *> v;
  for (auto &s : argv) v.push_back(&s[0]);
  Parsed p;
  ey_opt_list args{};
  char msg[256];
  p.r = ey_opts_parse(&c, (int)v.size(), v.data(), &p.o, &args, msg, sizeof msg);
  p.msg = msg;
  for (int i = 0; i < args.n; i++) p.args.push_back(args.v[i]);
  for (int i = 0; i < p.o.sets.n; i++) p.sets.push_back(p.o.sets.v[i]);
  ey_opt_list_free(&args);
  ey_opt_list_free(&p.o.sets);
  return p;
}

TEST(Opts, EverySpellingOfAValue) {
  for (auto argv :
       std::vector<std::vector<std::string>>{{"-j", "3"}, {"-j3"}, {"--jobs", "3"}, {"--jobs=3"}}) {
    Parsed p = Parse(A, argv);
    EXPECT_EQ(p.r, EY_OPTS_OK) << p.msg;
    EXPECT_EQ(p.o.n, 3);
  }
  std::vector<std::string> all = {"x",           "--flag",    "--seed",  "18446744073709551615",
                                  "--frac=0.25", "--mode",    "exact",   "--set",
                                  "a=1",         "--set=b=2", "--range", "3:9"};
  Parsed p = Parse(A, all);
  ASSERT_EQ(p.r, EY_OPTS_OK) << p.msg;
  EXPECT_EQ(p.args, std::vector<std::string>{"x"});
  EXPECT_EQ(p.o.flag, 1);
  EXPECT_EQ(p.o.seed, UINT64_MAX);
  EXPECT_EQ(p.o.frac, 0.25);
  EXPECT_EQ(p.o.choice, 1);
  ASSERT_EQ(p.sets.size(), 2u);
  EXPECT_EQ(p.sets[1], "b=2");
  EXPECT_EQ(p.o.from, 3);
  EXPECT_EQ(p.o.to, 9);
  EXPECT_EQ(p.o.n, 7);  // not given: the default stays
  // "-" is an argument; values may start with '-'.
  std::vector<std::string> dash = {"-o", "-x", "-"};
  p = Parse(B, dash);
  ASSERT_EQ(p.r, EY_OPTS_OK) << p.msg;
  EXPECT_STREQ(p.o.out, "-x");
  EXPECT_EQ(p.args, std::vector<std::string>{"-"});
}

TEST(Opts, ErrorsNameTheOptionTheExpectationAndTheValue) {
  const struct {
    unsigned cmd;
    std::vector<std::string> argv;
    std::string msg;
  } cases[] = {
      {A, {"--jobs=0"}, "-j: must be an integer from 1 to 8 (got 0)"},
      {A, {"-jx"}, "-j: must be an integer from 1 to 8 (got x)"},
      {A, {"--seed", "-1"}, "--seed: must be a non-negative integer (got -1)"},
      {A,
       {"--seed", "18446744073709551616"},
       "--seed: must be a non-negative integer (got 18446744073709551616)"},
      {A, {"--frac", "nan"}, "--frac: must be a number from 0 to 1 (got nan)"},
      {A, {"--mode", "quick"}, "--mode: must be one of fast, exact, slow (got quick)"},
      {A, {"--range", "9:3"}, "--range: expected A:B with A < B (got 9:3)"},
      {A, {"--set", "a", "--set", "b", "--set", "c"}, "c: too many --set options (at most 2)"},
      {A, {"--jobs"}, "--jobs needs a value"},
      {A, {"--flag=1"}, "--flag: takes no value (got --flag=1)"},
      {A, {"x", "y"}, "unexpected argument y"},
      {A, {"--frob=2"}, "--frob: unknown option for `eyesim cmd a`"},
      {A, {"-o", "f"}, "-o: unknown option for `eyesim cmd a`"},
      {B, {"--jobs", "2"}, "--jobs: unknown option for `eyesim cmd b` (it takes -o FILE)"},
  };
  for (const auto &c : cases) {
    std::vector<std::string> argv = c.argv;
    Parsed p = Parse(c.cmd, argv);
    EXPECT_EQ(p.r, EY_OPTS_BAD) << c.msg;
    EXPECT_EQ(p.msg, c.msg);
  }
  std::vector<std::string> bad_first = {"--frob", "-h"}, help_first = {"-h", "--frob"},
                           help = {"--help"};
  EXPECT_EQ(Parse(A, bad_first).r, EY_OPTS_BAD);  // read in order
  EXPECT_EQ(Parse(A, help_first).r, EY_OPTS_HELP);
  EXPECT_EQ(Parse(B, help).r, EY_OPTS_HELP);
}

TEST(Opts, OtherOptionsGoToTheCommandFirst) {
  static std::vector<ey_opt> table = Table();
  static std::vector<std::string> seen;
  seen.clear();
  ey_opt_cmd c = {};
  c.name = "cmd a";
  c.cmd = A;
  c.opts = table.data();
  c.nopts = (int)table.size();
  c.other = [](void *, const char *arg, char *msg, size_t cap) {
    if (!strncmp(arg, "--x-", 4)) {
      seen.push_back(arg);
      return 1;
    }
    if (!strcmp(arg, "--bad")) {
      snprintf(msg, cap, "%s: refused", arg);
      return -1;
    }
    return 0;
  };
  Opts o;
  char msg[256];
  std::string a1 = "--x-time=1", a2 = "--flag", a3 = "--bad", a4 = "--zzz";
  char *ok[] = {&a1[0], &a2[0]};
  EXPECT_EQ(ey_opts_parse(&c, 2, ok, &o, nullptr, msg, sizeof msg), EY_OPTS_OK) << msg;
  EXPECT_EQ(seen, std::vector<std::string>{"--x-time=1"});
  char *bad[] = {&a3[0]};
  EXPECT_EQ(ey_opts_parse(&c, 1, bad, &o, nullptr, msg, sizeof msg), EY_OPTS_BAD);
  EXPECT_STREQ(msg, "--bad: refused");
  char *unknown[] = {&a4[0]};
  EXPECT_EQ(ey_opts_parse(&c, 1, unknown, &o, nullptr, msg, sizeof msg), EY_OPTS_BAD);
  EXPECT_STREQ(msg, "--zzz: unknown option for `eyesim cmd a`");
}

TEST(Opts, HelpListsEachSectionsOptionsFromTheTable) {
  static std::vector<ey_opt> table = Table();
  const ey_opt_section sections[] = {
      {"options (both):", A | B}, {"options (a):", A}, {"options (b):", B}};
  ey_opt_cmd c = {};
  c.name = "cmd a";
  c.cmd = A;
  c.opts = table.data();
  c.nopts = (int)table.size();
  c.usage = "usage: cmd\n\n";
  c.sections = sections;
  c.nsections = 3;
  c.more = "\nthe end\n";
  char *text = nullptr;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  ey_opts_help(&c, f);
  fclose(f);
  EXPECT_EQ(std::string(text, len),
            "usage: cmd\n"
            "\n"
            "options (both):\n"
            "  --flag             a flag\n"
            "options (a):\n"
            "  -j, --jobs N       jobs\n"
            "                     second line\n"
            "  --seed S           seed\n"
            "  --frac F           a fraction\n"
            "  --mode M           a mode\n"
            "  --set K=V          repeatable\n"
            "options (b):\n"
            "  -o FILE            the output\n"
            "  --range A:B        a range\n"
            "\n"
            "the end\n");
  free(text);
}

}  // namespace
