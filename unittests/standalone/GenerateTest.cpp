//===- GenerateTest.cpp - generation sessions over a toy Program ----------===//
//
// The runtime generates through the `Program` interface alone: a toy model
// written here in plain C++ (no MLIR, no interpreter) is driven in its
// dynamic and its static form, with the prefill schedule, a baked prefix
// and cache files, and must give the tokens its definition says.
//
//===----------------------------------------------------------------------===//
#include "llmc/Runtime/CacheFile.h"
#include "llmc/Runtime/Generate.h"
#include "llmc/Support/SafeTensors.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"

#include <gtest/gtest.h>

using namespace llmc;
using namespace llmc::runtime;

namespace {

constexpr int64_t kVocab = 7;

/// The toy model: the next token is the sum of every token so far, modulo
/// the vocabulary. Its one cache [1, 1, S, 1] holds the tokens.
int64_t nextToken(llvm::ArrayRef<int64_t> tokens) {
  int64_t sum = 0;
  for (int64_t t : tokens)
    sum += t;
  return sum % kVocab;
}

/// Logits [1, rows, V]: a one-hot row per position, of the token after it.
Tensor logitsFor(llvm::ArrayRef<int64_t> history, int64_t rows) {
  std::vector<float> values(rows * kVocab, 0.0f);
  for (int64_t r = 0; r < rows; ++r)
    values[r * kVocab + nextToken(history.drop_back(rows - 1 - r))] = 1.0f;
  return Tensor::fromFloats(DType::F32, {1, rows, kVocab}, values);
}

class ToyProgram : public Program {
public:
  /// `slots` 0: the dynamic form (forward); else the static programs over
  /// `slots` cache slots with prefill programs of `prefills` tokens.
  ToyProgram(int64_t slots, std::vector<int64_t> prefills, std::optional<int64_t> chunk,
             std::vector<int64_t> prefix = {})
      : prefix(std::move(prefix)) {
    GenerationABI described;
    if (slots == 0) {
      described.form = GenerationABI::Form::Forward;
      described.entry = "forward";
      described.caches = {{DType::F32, {1, 1, kDynamicSize, 1}}};
    } else {
      described.form = GenerationABI::Form::Static;
      described.maxSeqLen = slots;
      described.decode = "decode";
      for (int64_t n : prefills)
        described.prefills[n] = "prefill_" + std::to_string(n);
      described.prefillChunk = chunk;
      described.caches = {{DType::F32, {1, 1, slots, 1}}};
    }
    if (!this->prefix.empty()) {
      described.prefix = "prefix_cache";
      described.prefixTokens = int64_t(this->prefix.size());
    }
    abi = described;
  }

  const std::optional<GenerationABI> &generationABI() const override { return abi; }

  std::optional<std::vector<Tensor>> call(llvm::StringRef name, llvm::ArrayRef<Tensor> inputs,
                                          RunError &error) override {
    calls.push_back(name.str());
    if (name == "prefix_cache")
      return std::vector<Tensor>{cacheOf(prefix, abi->form == GenerationABI::Form::Static
                                                     ? abi->maxSeqLen
                                                     : int64_t(prefix.size()))};
    if (name == "broken") {
      error = {RunError::Unsupported, "the toy cannot run this"};
      return std::nullopt;
    }
    if (name == "forward")
      return forward(inputs, error);
    return staticProgram(name, inputs, error);
  }

  std::vector<std::string> calls;
  std::optional<GenerationABI> abi;

private:
  static Tensor cacheOf(llvm::ArrayRef<int64_t> tokens, int64_t slots) {
    std::vector<float> values(slots, 0.0f);
    for (size_t i = 0; i < tokens.size(); ++i)
      values[i] = float(tokens[i]);
    return Tensor::fromFloats(DType::F32, {1, 1, slots, 1}, values);
  }
  static std::vector<int64_t> tokensOf(const Tensor &cache, int64_t count) {
    std::vector<int64_t> tokens;
    for (int64_t i = 0; i < count; ++i)
      tokens.push_back(int64_t(cache.floats()[i]));
    return tokens;
  }

  std::optional<std::vector<Tensor>> forward(llvm::ArrayRef<Tensor> inputs, RunError &error) {
    const Tensor &ids = inputs[0], &positions = inputs[1], &cache = inputs[2];
    int64_t past = cache.dim(2), count = ids.dim(1);
    for (int64_t i = 0; i < count; ++i)
      if (positions.ints()[i] != past + i) {
        error = {RunError::BadInput, "positions do not follow the cache"};
        return std::nullopt;
      }
    std::vector<int64_t> history = tokensOf(cache, past);
    history.insert(history.end(), ids.ints(), ids.ints() + count);
    return std::vector<Tensor>{logitsFor(history, count),
                               cacheOf(history, int64_t(history.size()))};
  }

  std::optional<std::vector<Tensor>> staticProgram(llvm::StringRef name,
                                                   llvm::ArrayRef<Tensor> inputs,
                                                   RunError &error) {
    const Tensor &ids = inputs[0], &cache = inputs[3];
    int64_t position = inputs[1].ints()[0], length = inputs[2].ints()[0];
    int64_t programTokens = name == "decode" ? 1 : std::stoll(name.drop_front(8).str());
    if (ids.dim(1) != programTokens || length > programTokens ||
        position + length > cache.dim(2)) {
      error = {RunError::BadInput, "a static program was called outside its shape"};
      return std::nullopt;
    }
    calls.back() += ":" + std::to_string(length);
    std::vector<int64_t> history = tokensOf(cache, position);
    history.insert(history.end(), ids.ints(), ids.ints() + length);
    return std::vector<Tensor>{logitsFor(history, 1), cacheOf(history, cache.dim(2))};
  }

  std::vector<int64_t> prefix;
};

/// What the toy model generates after `prompt`, by its definition.
std::vector<int64_t> expected(std::vector<int64_t> prompt, unsigned count) {
  std::vector<int64_t> generated;
  while (generated.size() < count) {
    generated.push_back(nextToken(prompt));
    prompt.push_back(generated.back());
  }
  return generated;
}

std::vector<int64_t> generateOrFail(Program &program, std::vector<int64_t> prompt,
                                    unsigned count, GenerateOptions options = {}) {
  options.prompt = std::move(prompt);
  options.count = count;
  RunError error;
  std::optional<std::vector<int64_t>> tokens = generate(program, options, error);
  EXPECT_TRUE(tokens) << error.message;
  return tokens.value_or(std::vector<int64_t>{});
}

TEST(Generate, DynamicFormFollowsTheModel) {
  ToyProgram program(0, {}, std::nullopt);
  EXPECT_EQ(generateOrFail(program, {3, 5, 6}, 6), expected({3, 5, 6}, 6));
  // One call for the prompt, one per further token.
  EXPECT_EQ(program.calls.size(), 6u);
}

TEST(Generate, StaticFormRunsThePrefillSchedule) {
  ToyProgram program(32, {4, 8}, 4);
  std::vector<int64_t> prompt{1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 1};
  EXPECT_EQ(generateOrFail(program, prompt, 3), expected(prompt, 3));
  // 13 tokens: the chunk program twice, then the smallest that holds 5.
  std::vector<std::string> calls{"prefill_4:4", "prefill_4:4", "prefill_8:5", "decode:1",
                                 "decode:1"};
  EXPECT_EQ(program.calls, calls);
}

TEST(Generate, BakedPrefixContinuesLikeThePrompt) {
  ToyProgram dynamic(0, {}, std::nullopt, {2, 4});
  EXPECT_EQ(generateOrFail(dynamic, {5}, 4), expected({2, 4, 5}, 4));
  ToyProgram programs(16, {4}, std::nullopt, {2, 4});
  EXPECT_EQ(generateOrFail(programs, {5}, 4), expected({2, 4, 5}, 4));
  EXPECT_EQ(programs.calls.front(), "prefix_cache");
}

TEST(Generate, SavedCachesContinueLikeThePrompt) {
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("llmc-runtime-test", "safetensors", path));
  llvm::FileRemover remove(path);
  ToyProgram first(16, {4}, std::nullopt);
  GenerateOptions save;
  save.saveCacheFile = std::string(path);
  generateOrFail(first, {1, 2, 3}, 1, save);
  // The file holds the prompt's caches: continue from them on the dynamic
  // form as well.
  ToyProgram second(0, {}, std::nullopt);
  GenerateOptions load;
  load.loadCacheFile = std::string(path);
  EXPECT_EQ(generateOrFail(second, {4}, 3, load), expected({1, 2, 3, 4}, 3));
}

TEST(Generate, ErrorsSayWhy) {
  ToyProgram program(4, {4}, std::nullopt);
  GenerateOptions options;
  options.prompt = {1, 2, 3};
  options.count = 3;
  RunError error;
  EXPECT_FALSE(generate(program, options, error));
  EXPECT_EQ(error.message, "0 cached, 3 prompt and 3 generated tokens do not fit 4 cache slots");

  options.prompt.clear();
  EXPECT_FALSE(generate(program, options, error));
  EXPECT_EQ(error.message, "generation needs a prompt");

  // The program's own error kind reaches the caller.
  ToyProgram broken(0, {}, std::nullopt);
  broken.abi->entry = "broken";
  options.prompt = {1};
  EXPECT_FALSE(generate(broken, options, error));
  EXPECT_EQ(error.kind, RunError::Unsupported);
  EXPECT_EQ(error.message, "the toy cannot run this");
}

TEST(Generate, LoadedCachesMustFitTheProgram) {
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("llmc-runtime-test", "safetensors", path));
  llvm::FileRemover remove(path);
  RunError error;
  GenerateOptions options;
  options.prompt = {1};
  options.count = 1;
  options.loadCacheFile = std::string(path);
  // Longer than the static programs' slots: an error, not a write past them.
  std::vector<float> twelve(12, 1.0f);
  ASSERT_TRUE(saveCaches(path, {Tensor::fromFloats(DType::F32, {1, 1, 12, 1}, twelve)}, error));
  ToyProgram programs(8, {4}, std::nullopt);
  EXPECT_FALSE(generate(programs, options, error));
  EXPECT_EQ(error.message,
            "initial cache #0 is f32[1, 1, 12, 1]: more positions than the 8 cache slots");
  // Another head count than the program's.
  ASSERT_TRUE(saveCaches(path, {Tensor::fromFloats(DType::F32, {1, 2, 1, 1}, {1, 2})}, error));
  ToyProgram dynamic(0, {}, std::nullopt);
  EXPECT_FALSE(generate(dynamic, options, error));
  EXPECT_EQ(error.message,
            "initial cache #0 is f32[1, 2, 1, 1]: the program's caches have 1 in dimension 1");
}

TEST(CacheFile, RejectsWhatIsNotACache) {
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("llmc-runtime-test", "safetensors", path));
  llvm::FileRemover remove(path);
  RunError error;
  ASSERT_FALSE(llvm::errorToBool(writeSafeTensors(
      path, {{"cache.0", DType::F32, {1, 2}, std::vector<char>(8)},
             {"cache.2", DType::F32, {1, 2}, std::vector<char>(8)}})));
  EXPECT_FALSE(loadCaches(path, error));
  EXPECT_NE(error.message.find("cache.0 .. cache.<n-1>"), std::string::npos) << error.message;
  ASSERT_FALSE(llvm::errorToBool(
      writeSafeTensors(path, {{"cache.0", DType::I64, {1, 1}, std::vector<char>(8)}})));
  EXPECT_FALSE(loadCaches(path, error));
  EXPECT_NE(error.message.find("is not a cache"), std::string::npos) << error.message;
  EXPECT_FALSE(loadCaches(std::string(path) + ".missing", error));
}

TEST(CacheFile, KeepsAnyLayoutAndLeavesLengthsToTheSession) {
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("llmc-runtime-test", "safetensors", path));
  llvm::FileRemover remove(path);
  RunError error;
  // A latent [B, P, C] cache reads back as it was written.
  Tensor latent = Tensor::fromFloats(DType::F32, {1, 3, 2}, {1, 2, 3, 4, 5, 6});
  ASSERT_TRUE(saveCaches(path, {latent}, error)) << error.message;
  std::optional<std::vector<Tensor>> loaded = loadCaches(path, error);
  ASSERT_TRUE(loaded) << error.message;
  EXPECT_EQ(loaded->front().describe(), "f32[1, 3, 2]");
  // Caches of two lengths load; the session, which knows the sequence
  // axis, rejects them.
  Tensor one = Tensor::fromFloats(DType::F32, {1, 1, 2, 1}, {1, 2});
  Tensor three = Tensor::fromFloats(DType::F32, {1, 1, 3, 1}, {1, 2, 3});
  ASSERT_TRUE(saveCaches(path, {one, three}, error)) << error.message;
  ASSERT_TRUE(loadCaches(path, error)) << error.message;
}

TEST(EmptyCache, DynamicSequenceIsEmptyAndBatchIsOne) {
  Tensor cache = emptyCache({DType::F16, {kDynamicSize, 2, kDynamicSize, 4}});
  EXPECT_EQ(cache.describe(), "f16[1, 2, 0, 4]");
}

} // namespace
