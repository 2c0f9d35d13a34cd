// rlc_test.cc - the Eyeriss run-length code: the word layout bit by bit against
// the reference example, round trips over zero fractions and run lengths, and each
// kind of corrupt stream.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

extern "C" {
#include "mapper/mapper.h"
#include "traces/rlc.h"
}

namespace {

std::vector<uint64_t> Encode(const std::vector<int16_t> &v) {
  std::vector<uint64_t> w(ey_rlc_words(v.data(), v.size()));
  EXPECT_EQ(ey_rlc_encode(v.data(), v.size(), w.data()), w.size());
  return w;
}

void RoundTrip(const std::vector<int16_t> &v) {
  std::vector<uint64_t> w = Encode(v);
  std::vector<int16_t> back(v.size(), 99);
  ey_err err;
  ASSERT_EQ(ey_rlc_decode(w.data(), w.size(), back.data(), back.size(), &err), EY_OK) << err.msg;
  EXPECT_EQ(back, v);
}

// The chip's example (Chen et al., ISSCC 2016 and JSSC 2017; docs/traces.md):
// 0,0,12,0,0,0,0,53,0,0,22 -> [2|12][4|53][2|22][term].
TEST(Rlc, ReferenceExampleBitByBit) {
  std::vector<uint64_t> w = Encode({0, 0, 12, 0, 0, 0, 0, 53, 0, 0, 22});
  ASSERT_EQ(w.size(), 1u);
  uint64_t want =
      2ull | 12ull << 5 | 4ull << 21 | 53ull << 26 | 2ull << 42 | 22ull << 47 | 1ull << 63;
  EXPECT_EQ(w[0], want);
  // Field by field, at the bit positions of traces/rlc.h and docs/traces.md.
  EXPECT_EQ(w[0] & 0x1F, 2u);             // bits 0-4 run0
  EXPECT_EQ((w[0] >> 5) & 0xFFFF, 12u);   // bits 5-20 level0
  EXPECT_EQ((w[0] >> 21) & 0x1F, 4u);     // bits 21-25 run1
  EXPECT_EQ((w[0] >> 26) & 0xFFFF, 53u);  // bits 26-41 level1
  EXPECT_EQ((w[0] >> 42) & 0x1F, 2u);     // bits 42-46 run2
  EXPECT_EQ((w[0] >> 47) & 0xFFFF, 22u);  // bits 47-62 level2
  EXPECT_EQ(w[0] >> 63, 1u);              // bit 63 term
  RoundTrip({0, 0, 12, 0, 0, 0, 0, 53, 0, 0, 22});
}

TEST(Rlc, NegativeLevelsKeepTheirSixteenBits) {
  std::vector<uint64_t> w = Encode({-1, 0, -32768});
  EXPECT_EQ((w[0] >> 5) & 0xFFFF, 0xFFFFu);
  EXPECT_EQ((w[0] >> 26) & 0xFFFF, 0x8000u);
  EXPECT_EQ((w[0] >> 21) & 0x1F, 1u);
  RoundTrip({-1, 0, -32768});
}

TEST(Rlc, LongRuns) {
  for (int zeros : {30, 31, 32, 33, 63, 64, 65, 1000}) {
    SCOPED_TRACE(zeros);
    std::vector<int16_t> v(zeros, 0);
    v.push_back(7);
    RoundTrip(v);
    // By hand: each full (31, 0) pair takes 32 zeros; the rest precede the 7.
    std::vector<uint64_t> w = Encode(v);
    uint64_t pairs = (uint64_t)zeros / 32 + 1;
    EXPECT_EQ(w.size(), (pairs + 2) / 3);
  }
  // Exactly 31 zeros fit one pair: [31|7].
  std::vector<int16_t> v(31, 0);
  v.push_back(7);
  EXPECT_EQ(Encode(v)[0] & 0x1FFFFF, 31u | 7u << 5);
  // 32 zeros: [31|0][0|7].
  v.insert(v.begin(), 0);
  uint64_t w = Encode(v)[0];
  EXPECT_EQ(w & 0x1FFFFF, 31u);
  EXPECT_EQ((w >> 21) & 0x1FFFFF, 7u << 5);
}

TEST(Rlc, EdgeTensors) {
  RoundTrip({5});
  RoundTrip({0});
  RoundTrip(std::vector<int16_t>(1000, 0));
  RoundTrip(std::vector<int16_t>(32, 0));
  RoundTrip({});
  EXPECT_EQ(Encode({}).size(), 1u);
}

TEST(Rlc, RoundTripsAtEveryZeroFraction) {
  std::mt19937 rng(7);
  for (double z : {0.0, 0.1, 0.5, 0.9, 1.0}) {
    SCOPED_TRACE(z);
    std::vector<int16_t> v(5000);
    for (auto &x : v)
      x = std::uniform_real_distribution<double>(0, 1)(rng) < z ? 0 : (int16_t)(1 + rng() % 32767);
    RoundTrip(v);
    // Dense data costs a pair per value; sparse data much less.
    uint64_t words = Encode(v).size();
    if (z == 0.0) {
      EXPECT_EQ(words, (5000u + 2) / 3);
    }
    if (z == 0.9) {
      EXPECT_LT(words, 5000u / 3 / 4);
    }
  }
}

std::string DecodeError(std::vector<uint64_t> w, size_t n) {
  std::vector<int16_t> v(n + 1);
  ey_err err;
  err.msg[0] = '\0';
  ey_rc rc = ey_rlc_decode(w.data(), w.size(), v.data(), n, &err);
  if (rc != EY_OK) {
    EXPECT_EQ(rc, EY_SYNTAX) << err.msg;  // corrupt data is a syntax error, nothing else
  }
  return rc == EY_OK ? "" : err.msg;
}

TEST(Rlc, CorruptStreamsAreNamed) {
  std::vector<uint64_t> w = Encode({0, 0, 12, 0, 0, 0, 0, 53, 0, 0, 22});
  EXPECT_EQ(DecodeError(w, 11), "");
  EXPECT_EQ(DecodeError(w, 10), "word 0: a run of 2 zeros overflows the tensor's 10 values");
  EXPECT_EQ(DecodeError(w, 12), "word 1: the stream ends after 11 of 12 values");
  std::vector<uint64_t> noterm = {w[0] & ~(1ull << 63)};
  EXPECT_EQ(DecodeError(noterm, 11), "word 0: the last word has no term bit");
  std::vector<uint64_t> early = {w[0], w[0]};
  EXPECT_EQ(DecodeError(early, 22), "word 0: term bit set before the last word (2 words)");
  std::vector<uint64_t> extra = {w[0] & ~(1ull << 63), w[0]};
  EXPECT_EQ(DecodeError(extra, 11), "word 1: 1 words left after the tensor's 11 values");
  // A two-value tensor has one unused pair in its word; data there is an error.
  std::vector<uint64_t> two = Encode({3, 4});
  EXPECT_EQ(DecodeError(two, 2), "");
  two[0] |= 9ull << 47;
  EXPECT_EQ(DecodeError(two, 2), "word 0: data after the tensor's 2 values");
  EXPECT_EQ(DecodeError({}, 3), "word 0: the stream ends after 0 of 3 values");
}

}  // namespace

// The most words n values take is ceil(n/3), reached when none is zero (each
// value a pair of its own), and never passed at any zero fraction; a stream's
// words run to the first with the term bit.
TEST(Rlc, WordsMaxIsTheWorstCaseAndStreamWordsFindTheTerm) {
  EXPECT_EQ(ey_rlc_words_max(0), 1u);  // an empty tensor is one word
  std::vector<int16_t> v(100);
  std::vector<uint64_t> w(40);
  for (uint64_t n = 1; n <= 100; n++) {
    EXPECT_EQ(ey_rlc_words_max(n), (n + 2) / 3);
    for (uint64_t i = 0; i < n; i++) v[i] = (int16_t)(i + 1);
    EXPECT_EQ(ey_rlc_words(v.data(), n), ey_rlc_words_max(n)) << n;
    for (uint64_t i = 0; i < n; i++) v[i] = (int16_t)(i % 4 ? 0 : 7);
    const uint64_t words = ey_rlc_encode(v.data(), n, w.data());
    EXPECT_LE(words, ey_rlc_words_max(n)) << n;
    EXPECT_EQ(ey_rlc_stream_words(w.data(), words), words) << n;
    EXPECT_EQ(ey_rlc_stream_words(w.data(), words - 1), 0u) << n;  // the term is in the last
  }
}

// Calls each(row) on `rows` rows of w values, each zero with probability z
// independently (else 5).
template <class F>
void ForRandomRows(std::mt19937_64 &rng, int w, double z, int rows, F each) {
  std::bernoulli_distribution zero(z);
  std::vector<int16_t> row((size_t)w);
  for (int i = 0; i < rows; i++) {
    for (auto &v : row) v = zero(rng) ? 0 : 5;
    each(row);
  }
}

// The mapper's expected size of an RLC-coded row (ey_rlc_row_bits_expected), for
// rows whose values are zero independently with probability z, against the
// codec itself on 4000 such rows: exact where a row's size is certain (no zeros,
// all zeros), within 1 % elsewhere.
TEST(RlcEstimate, TheExpectedRowSizeIsTheCodecsMeanOnRandomRows) {
  std::mt19937_64 rng(42);
  for (int w : {1, 2, 7, 13, 56, 227}) {
    for (double z : {0.0, 0.3, 0.5, 0.725, 0.9, 1.0}) {
      SCOPED_TRACE("w " + std::to_string(w) + ", z " + std::to_string(z));
      std::vector<uint64_t> code(ey_rlc_words_max((uint64_t)w));
      const int rows = 4000;
      double words = 0;
      ForRandomRows(rng, w, z, rows, [&](const std::vector<int16_t> &row) {
        words += (double)ey_rlc_encode(row.data(), (uint64_t)w, code.data());
      });
      const double mean_bits = 64.0 * words / rows, want = ey_rlc_row_bits_expected(w, z);
      if (z == 0.0 || z == 1.0)
        EXPECT_EQ(want, mean_bits);
      else
        EXPECT_NEAR(want, mean_bits, 0.01 * mean_bits);
    }
  }
}

// The pairs a run of values codes to on its own, worked by hand: a pair per
// non-zero value with the zeros before it; trailing zeros flushed as (k, 0), a
// pair per 32; a zero run of more than 31 before a value split as (31, 0).
TEST(Rlc, PairsAsWorkedByHand) {
  struct {
    std::vector<int16_t> v;
    uint64_t pairs;
  } rows[] = {
      {{}, 0},
      {{0}, 1},                          // (0,0)
      {{1, 2, 3, 4}, 4},                 // (0,1) (0,2) (0,3) (0,4)
      {{0, 5, 0, 0}, 2},                 // (1,5) (1,0)
      {{7, 0, 0, 9}, 2},                 // (0,7) (2,9)
      {{1, 0, 1, 0}, 3},                 // (0,1) (1,1) (0,0)
      {std::vector<int16_t>(32, 0), 1},  // (31,0)
      {std::vector<int16_t>(33, 0), 2},  // (31,0) (0,0)
  };
  for (const auto &r : rows) {
    SCOPED_TRACE(r.v.size());
    EXPECT_EQ(ey_rlc_pairs(r.v.data(), r.v.size()), r.pairs);
    if (!r.v.empty()) {  // the same pairs, three to a word
      EXPECT_EQ(ey_rlc_words(r.v.data(), r.v.size()), (r.pairs + 2) / 3);
    }
  }
  std::vector<int16_t> v(33, 0);
  v.push_back(8);  // 33 zeros then 8: (31,0) (0,8)
  EXPECT_EQ(ey_rlc_pairs(v.data(), v.size()), 2u);
}

// The mapper's expected pairs of a row (ey_rlc_row_pairs_expected, for
// dram.rlc_layout stream) against the codec's mean on 4000 random rows: exact
// where a row's pairs are certain, else within four standard errors of the mean.
// (Below 32 values it is w (1 - z) + z: a pair per non-zero value, and one for
// the trailing zeros when the row ends in a zero.)
TEST(RlcEstimate, TheExpectedRowPairsAreTheCodecsMeanOnRandomRows) {
  std::mt19937_64 rng(43);
  for (int w : {1, 2, 7, 13, 56, 227}) {
    for (double z : {0.0, 0.3, 0.5, 0.725, 0.9, 1.0}) {
      SCOPED_TRACE("w " + std::to_string(w) + ", z " + std::to_string(z));
      const int rows = 4000;
      double sum = 0, sum2 = 0;
      ForRandomRows(rng, w, z, rows, [&](const std::vector<int16_t> &row) {
        const double p = (double)ey_rlc_pairs(row.data(), (uint64_t)w);
        sum += p;
        sum2 += p * p;
      });
      const double mean = sum / rows, se = std::sqrt((sum2 / rows - mean * mean) / rows);
      const double want = ey_rlc_row_pairs_expected(w, z);
      if (z == 0.0 || z == 1.0)
        EXPECT_DOUBLE_EQ(want, mean);
      else
        EXPECT_NEAR(want, mean, 4 * se);
      if (w < 32) {
        EXPECT_NEAR(want, w * (1 - z) + z, 1e-9);
      }
    }
  }
}
