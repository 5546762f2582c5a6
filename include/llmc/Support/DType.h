//===- DType.h - element types of stored and computed tensors --*- C++ -*-===//
//
// The element types llmc reads from files (safetensors, .npy) and computes
// with, and the conversions between them: IEEE binary16 and bfloat16 rounding
// to nearest even, with overflow to infinity, as FP16 hardware does.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_SUPPORT_DTYPE_H
#define LLMC_SUPPORT_DTYPE_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <cstring>
#include <optional>

namespace llmc {

enum class DType { F32, F16, BF16, I1, I8, I32, I64 };

/// Bytes per element as stored.
size_t byteWidth(DType type);
bool isFloat(DType type);
llvm::StringRef toString(DType type);
/// The float type named `name` (f32, f16 or bf16: how options spell a
/// stored type), if it is one.
std::optional<DType> parseFloatDType(llvm::StringRef name);

/// IEEE binary16 bits of `value`, rounded to nearest even.
uint16_t floatToHalfBits(float value);
float halfBitsToFloat(uint16_t bits);

/// bfloat16 bits of `value`, rounded to nearest even (NaN stays NaN).
uint16_t floatToBF16Bits(float value);
float bf16BitsToFloat(uint16_t bits);

/// The float element at `at`, stored little-endian as `stored` (F32, F16 or
/// BF16).
float loadFloat(DType stored, const char *at);

/// `value` rounded to the precision and range of `type` (identity for f32).
inline float roundTo(DType type, float value) {
  switch (type) {
  case DType::F16:
    return halfBitsToFloat(floatToHalfBits(value));
  case DType::BF16:
    return bf16BitsToFloat(floatToBF16Bits(value));
  default:
    return value;
  }
}

} // namespace llmc

#endif // LLMC_SUPPORT_DTYPE_H
