//===- SafeTensorsTest.cpp - validation of untrusted checkpoint files -----===//
#include "llmc/Support/Npy.h"
#include "llmc/Support/SafeTensors.h"

#include <gtest/gtest.h>

using namespace llmc;

namespace {

/// A safetensors file with the given JSON header and `dataBytes` zero bytes.
std::string makeFile(const std::string &header, size_t dataBytes) {
  std::string out(8, '\0');
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i)
    out[i] = char((n >> (8 * i)) & 0xff);
  return out + header + std::string(dataBytes, '\0');
}

llvm::Expected<std::unique_ptr<SafeTensorsFile>> parse(const std::string &bytes) {
  return SafeTensorsFile::fromBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(bytes, "test.safetensors"), "test.safetensors");
}

std::string errorOf(const std::string &bytes) {
  auto file = parse(bytes);
  if (file)
    return "";
  return llvm::toString(file.takeError());
}

const char *kGood = R"({"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
                    R"("b":{"dtype":"F16","shape":[4],"data_offsets":[24,32]},)"
                    R"("__metadata__":{"format":"pt"}})";

TEST(SafeTensors, ReadsAValidFile) {
  auto file = parse(makeFile(kGood, 32));
  ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
  ASSERT_EQ((*file)->tensors().size(), 2u);
  const StoredTensor &a = (*file)->tensors()[0];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.dtype, DType::F32);
  EXPECT_EQ(a.numElements(), 6);
  EXPECT_EQ(a.bytes, 24u);
}

TEST(SafeTensors, NamesTheProblem) {
  EXPECT_NE(errorOf("abc").find("too short"), std::string::npos);
  EXPECT_NE(errorOf(makeFile("{oops", 0)).find("not valid JSON"), std::string::npos);
  EXPECT_NE(errorOf(makeFile("[1,2]", 0)).find("not a JSON object"), std::string::npos);
  EXPECT_NE(errorOf(makeFile(kGood, 31)).find("tensor 'b': data_offsets [24, 32] run past"),
            std::string::npos);
  EXPECT_NE(errorOf(makeFile(R"({"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}})", 24))
                .find("shape and dtype need 24 bytes but data_offsets span 20"),
            std::string::npos);
  EXPECT_NE(errorOf(makeFile(R"({"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}})", 1))
                .find("unsupported dtype 'Q4'"),
            std::string::npos);
  EXPECT_NE(errorOf(makeFile(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4))
                .find("non-negative"),
            std::string::npos);
  EXPECT_NE(errorOf(makeFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                             R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                             12))
                .find("overlap"),
            std::string::npos);
  EXPECT_NE(errorOf(makeFile(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,16],)"
                             R"("data_offsets":[0,4]}})",
                             4))
                .find("too large"),
            std::string::npos);
}

TEST(SafeTensors, EveryTruncationIsAnErrorNotACrash) {
  std::string good = makeFile(kGood, 32);
  for (size_t length = 0; length < good.size(); ++length)
    EXPECT_FALSE(errorOf(good.substr(0, length)).empty()) << length;
}

TEST(SafeTensors, EveryCorruptedByteIsHandled) {
  // Flip each byte of the header: the result is either a valid file or an
  // error, never a crash.
  std::string good = makeFile(kGood, 32);
  for (size_t i = 0; i < good.size() - 32; ++i) {
    std::string bad = good;
    bad[i] = char(bad[i] ^ 0x5a);
    auto file = parse(bad);
    if (!file)
      llvm::consumeError(file.takeError());
  }
}

TEST(Npy, RoundTripsAndRejectsBadFiles) {
  NpyArray array;
  array.dtype = DType::I64;
  array.shape = {1, 3};
  array.bytes.assign(24, 0);
  array.bytes[8] = 7;
  std::string bytes = encodeNpy(array);
  auto back = parseNpy(bytes, "x.npy");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->dtype, DType::I64);
  EXPECT_EQ(back->shape, (llvm::SmallVector<int64_t>{1, 3}));
  EXPECT_EQ(back->bytes, array.bytes);
  EXPECT_EQ((bytes.size() - array.bytes.size()) % 64, 0u); // aligned data

  for (size_t length = 0; length < bytes.size(); ++length) {
    auto cut = parseNpy(bytes.substr(0, length), "x.npy");
    ASSERT_FALSE(bool(cut)) << length;
    llvm::consumeError(cut.takeError());
  }
  std::string fortran = bytes;
  fortran.replace(fortran.find("False"), 5, "True ");
  auto bad = parseNpy(fortran, "x.npy");
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find("C-order"), std::string::npos);
}

TEST(Npy, ShapesOfEveryRank) {
  for (llvm::SmallVector<int64_t> shape : {llvm::SmallVector<int64_t>{},
                                           llvm::SmallVector<int64_t>{5},
                                           llvm::SmallVector<int64_t>{2, 0, 3}}) {
    NpyArray array;
    array.shape = shape;
    array.bytes.assign(array.numElements() * 4, 0);
    auto back = parseNpy(encodeNpy(array), "x.npy");
    ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
    EXPECT_EQ(back->shape, shape);
  }
}

} // namespace
