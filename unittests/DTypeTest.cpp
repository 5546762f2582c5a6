//===- DTypeTest.cpp - 16-bit float rounding ------------------------------===//
#include "llmc/Support/DType.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace llmc;

namespace {

float f16(float x) { return roundTo(DType::F16, x); }
float bf16(float x) { return roundTo(DType::BF16, x); }

TEST(Half, ExactValuesSurvive) {
  for (float x : {0.0f, 1.0f, -2.5f, 65504.0f, 6.103515625e-05f /*2^-14*/,
                  5.960464477539063e-08f /*2^-24*/})
    EXPECT_EQ(f16(x), x);
}

TEST(Half, RoundsToNearestEven) {
  // 2049 lies halfway between 2048 and 2050 (spacing 2): ties go to even.
  EXPECT_EQ(f16(2049.0f), 2048.0f);
  EXPECT_EQ(f16(2051.0f), 2052.0f);
  // Near 1 the spacing is 2^-10: below half rounds down, halves go to even.
  EXPECT_EQ(f16(1.0f + 1.0f / 4096), 1.0f);
  EXPECT_EQ(f16(1.0f + 3.0f / 4096), 1.0f + 1.0f / 1024);
  EXPECT_EQ(f16(1.0f + 1.0f / 2048), 1.0f);
  EXPECT_EQ(f16(1.0f + 3.0f / 2048), 1.0f + 1.0f / 512);
}

TEST(Half, OverflowsToInfinityFrom65520) {
  EXPECT_EQ(f16(65519.0f), 65504.0f);
  EXPECT_TRUE(std::isinf(f16(65520.0f)));
  EXPECT_TRUE(std::isinf(f16(-1e6f)) && f16(-1e6f) < 0);
  // The square of 256 is the first that overflows in an FP16 RMSNorm.
  EXPECT_TRUE(std::isinf(f16(256.0f * 256.0f)));
  EXPECT_FALSE(std::isinf(f16(255.0f * 255.0f)));
}

TEST(Half, Subnormals) {
  EXPECT_EQ(f16(3e-8f), 5.960464477539063e-08f); // rounds up to 2^-24
  EXPECT_EQ(f16(2.9e-8f), 0.0f);                 // below half of 2^-24
  EXPECT_EQ(f16(-1e-6f), -1.0132789611816406e-06f);
  EXPECT_TRUE(std::signbit(f16(-1e-9f)));
}

TEST(Half, NaNAndBitPatterns) {
  EXPECT_TRUE(std::isnan(f16(std::numeric_limits<float>::quiet_NaN())));
  EXPECT_EQ(floatToHalfBits(1.0f), 0x3c00);
  EXPECT_EQ(floatToHalfBits(-0.0f), 0x8000);
  EXPECT_EQ(floatToHalfBits(65504.0f), 0x7bff);
  EXPECT_EQ(halfBitsToFloat(0x0001), 5.960464477539063e-08f);
  EXPECT_TRUE(std::isinf(halfBitsToFloat(0x7c00)));
  // Every half value converts back to itself.
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    float x = halfBitsToFloat(uint16_t(bits));
    if (!std::isnan(x))
      ASSERT_EQ(floatToHalfBits(x), bits) << bits;
  }
}

TEST(BFloat16, RoundsToNearestEven) {
  EXPECT_EQ(bf16(1.0f), 1.0f);
  EXPECT_EQ(bf16(1.0f + 1.0f / 256), 1.0f);                   // tie, to even
  EXPECT_EQ(bf16(1.0f + 3.0f / 256), 1.0f + 1.0f / 64);       // tie, to even
  // 3e38 = 1.7633 * 2^127; with 7 mantissa bits that is 226/128 * 2^127.
  EXPECT_EQ(bf16(3.0e38f), std::ldexp(1.765625f, 127));
  EXPECT_TRUE(std::isnan(bf16(std::numeric_limits<float>::quiet_NaN())));
}

} // namespace
