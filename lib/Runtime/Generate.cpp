//===- Generate.cpp - greedy generation over a Program --------------------===//
#include "llmc/Runtime/Generate.h"

#include "llmc/Runtime/CacheFile.h"
#include "llmc/Runtime/PrefillSchedule.h"
#include "llmc/Support/Npy.h"

#include <memory>

using namespace llmc;
using namespace llmc::runtime;

namespace {

/// A cache [B, H, S, D] with `slots` slots: its first `keep` slots, then
/// zeros.
Tensor withSlots(const Tensor &cache, int64_t slots, int64_t keep, int64_t axis) {
  int64_t outer = 1, width = 1;
  for (int64_t d = 0; d < cache.rank(); ++d)
    (d < axis ? outer : width) *= d == axis ? 1 : cache.dim(d);
  std::vector<float> values(outer * slots * width, 0.0f);
  for (int64_t o = 0; o < outer; ++o)
    std::copy_n(cache.floats() + o * cache.dim(axis) * width, keep * width,
                values.begin() + o * slots * width);
  Shape shape(cache.shape());
  shape[axis] = slots;
  return Tensor::fromFloats(cache.dtype(), shape, std::move(values));
}

/// Index of the largest logit of the last position; ties go to the lowest.
int64_t lastArgmax(const Tensor &logits) {
  int64_t vocab = logits.shape().back();
  const float *row = logits.floats() + logits.size() - vocab;
  int64_t best = 0;
  for (int64_t v = 1; v < vocab; ++v)
    if (row[v] > row[best])
      best = v;
  return best;
}

/// The model's KV caches and the position the next token goes to, with the
/// calls that advance them. Subclasses drive the dynamic entry point or the
/// static programs.
class Session {
public:
  Session(Program &program, const GenerationABI &abi, RunError &error)
      : program(program), abi(abi), error(error) {}
  virtual ~Session() = default;

  /// Runs the prompt `tokens` at the current position; the logits of the
  /// last one.
  virtual std::optional<Tensor> prefill(llvm::ArrayRef<int64_t> tokens) = 0;

  /// Runs one generated token.
  virtual std::optional<Tensor> decode(int64_t token) { return prefill(token); }

  /// How many tokens fit in the caches (none: unbounded).
  virtual std::optional<int64_t> capacity() const { return std::nullopt; }

  /// Starts from `initial`, each [B, H, P, D] holding positions 0 .. P-1
  /// (none: empty caches), widened to the capacity when there is one.
  bool start(std::vector<Tensor> initial) {
    if (!initial.empty() && initial.size() != abi.caches.size()) {
      error = {RunError::BadInput, "the initial caches are " + std::to_string(initial.size()) +
                                       ", the model takes " +
                                       std::to_string(abi.caches.size())};
      return false;
    }
    int64_t axis = abi.caches.empty() ? 2 : abi.caches.front().sequenceAxis;
    int64_t length = !initial.empty() && initial.front().rank() > axis
                         ? initial.front().dim(axis)
                         : 0;
    for (auto [i, cache] : llvm::enumerate(initial)) {
      if (!fits(cache, abi.caches[i], i, length))
        return false;
      // Saved by programs that store their caches in another float type.
      if (cache.dtype() != abi.caches[i].dtype)
        cache = Tensor::fromFloats(abi.caches[i].dtype, cache.shape(),
                                   std::vector<float>(cache.floats(), cache.floats() + cache.size()));
    }
    position = length;
    caches.clear();
    for (auto [i, spec] : llvm::enumerate(abi.caches))
      caches.push_back(initial.empty() ? emptyCache(spec)
                                       : withSlots(initial[i], capacity().value_or(position),
                                                   position, spec.sequenceAxis));
    return true;
  }

  /// Whether initial cache `i` is one the program takes: the program's
  /// shape but for its length P along the sequence axis ([B, H, P, D] for a
  /// static program), P within the capacity, as long as the first.
  bool fits(const Tensor &cache, const TensorSpec &spec, size_t i, int64_t length) {
    auto mismatch = [&](const std::string &why) {
      error = {RunError::BadInput, "initial cache #" + std::to_string(i) + " is " +
                                       cache.describe() + ": " + why};
      return false;
    };
    int64_t axis = spec.sequenceAxis;
    if (!cache.isFloat() || cache.rank() != int64_t(spec.shape.size()) || axis >= cache.rank())
      return mismatch("the program's caches are float tensors of rank " +
                      std::to_string(spec.shape.size()));
    for (int64_t d = 0; d < cache.rank(); ++d)
      if (d != axis && spec.shape[d] != kDynamicSize && spec.shape[d] != cache.dim(d))
        return mismatch("the program's caches have " + std::to_string(spec.shape[d]) +
                        " in dimension " + std::to_string(d));
    if (std::optional<int64_t> slots = capacity(); slots && cache.dim(axis) > *slots)
      return mismatch("more positions than the " + std::to_string(*slots) + " cache slots");
    if (cache.dim(axis) != length)
      return mismatch("the caches must all hold " + std::to_string(length) + " positions");
    return true;
  }

  /// The caches' first `position` slots along their sequence axis.
  std::vector<Tensor> used() const {
    std::vector<Tensor> prefix;
    for (auto [cache, spec] : llvm::zip(caches, abi.caches))
      prefix.push_back(withSlots(cache, position, position, spec.sequenceAxis));
    return prefix;
  }

  /// The caches a baked prefix holds: [B, H, P, D] each.
  std::optional<std::vector<Tensor>> prefixCaches() {
    std::optional<std::vector<Tensor>> results = program.call(*abi.prefix, {}, error);
    if (!results)
      return std::nullopt;
    // A static program's prefix holds all slots; its first prefixTokens
    // are the prefix.
    for (auto [cache, spec] : llvm::zip(*results, abi.caches))
      cache = withSlots(cache, abi.prefixTokens, abi.prefixTokens, spec.sequenceAxis);
    return results;
  }

  int64_t position = 0;

protected:
  /// Runs `entry` on `leading` inputs then the caches, which become its
  /// results after the first (the logits, returned).
  std::optional<Tensor> advance(llvm::StringRef entry, std::vector<Tensor> leading,
                                int64_t tokens) {
    leading.insert(leading.end(), caches.begin(), caches.end());
    std::optional<std::vector<Tensor>> results = program.call(entry, leading, error);
    if (!results)
      return std::nullopt;
    caches.assign(results->begin() + 1, results->end());
    position += tokens;
    return (*results)[0];
  }

  Program &program;
  const GenerationABI &abi;
  RunError &error;
  std::vector<Tensor> caches;
};

/// forward, or an imported main (which reads the position from the
/// caches' length): caches grow by the tokens of each call.
class DynamicSession : public Session {
public:
  using Session::Session;

  std::optional<Tensor> prefill(llvm::ArrayRef<int64_t> tokens) override {
    int64_t count = int64_t(tokens.size());
    std::vector<Tensor> leading{Tensor::fromInts(
        DType::I64, {1, count}, std::vector<int64_t>(tokens.begin(), tokens.end()))};
    if (abi.form == GenerationABI::Form::Forward) {
      std::vector<int64_t> positions(count);
      for (int64_t i = 0; i < count; ++i)
        positions[i] = position + i;
      leading.push_back(Tensor::fromInts(DType::I64, {1, count}, positions));
    }
    return advance(abi.entry, std::move(leading), count);
  }
};

/// The static programs: fixed [B, H, M, D] buffers, the prompt through the
/// prefill schedule, then decode.
class StaticSession : public Session {
public:
  using Session::Session;

  std::optional<int64_t> capacity() const override { return abi.maxSeqLen; }

  std::optional<Tensor> prefill(llvm::ArrayRef<int64_t> tokens) override {
    llvm::SmallVector<int64_t> sizes;
    for (auto &entry : abi.prefills)
      sizes.push_back(entry.first);
    std::optional<Tensor> logits;
    for (const PrefillCall &step :
         schedulePrefill(int64_t(tokens.size()), sizes, abi.prefillChunk)) {
      auto found = abi.prefills.find(step.programTokens);
      bool isPrefill = found != abi.prefills.end();
      logits = run(isPrefill ? found->second : abi.decode, isPrefill ? found->first : 1,
                   tokens.take_front(step.tokens));
      if (!logits)
        return std::nullopt;
      tokens = tokens.drop_front(step.tokens);
    }
    return logits;
  }

  std::optional<Tensor> decode(int64_t token) override { return run(abi.decode, 1, token); }

private:
  /// Runs the program of `programTokens` tokens on `tokens` (padded).
  std::optional<Tensor> run(llvm::StringRef program, int64_t programTokens,
                            llvm::ArrayRef<int64_t> tokens) {
    int64_t count = int64_t(tokens.size());
    std::vector<int64_t> ids(tokens.begin(), tokens.end());
    ids.resize(programTokens, 0); // padding
    return advance(program,
                   {Tensor::fromInts(DType::I64, {1, programTokens}, ids),
                    Tensor::fromInts(DType::I64, {}, {position}),
                    Tensor::fromInts(DType::I64, {}, {count})},
                   count);
  }
};

/// The caches a run starts from: a cache file, else the baked prefix, else
/// none (empty).
std::optional<std::vector<Tensor>> initialCaches(Session &session, const GenerationABI &abi,
                                                 const GenerateOptions &options,
                                                 RunError &error) {
  if (!options.loadCacheFile.empty())
    return loadCaches(options.loadCacheFile, error);
  if (!abi.prefix)
    return std::vector<Tensor>{};
  return session.prefixCaches();
}

bool writePromptLogits(const Tensor &logits, llvm::StringRef path, RunError &error) {
  int64_t vocab = logits.shape().back();
  std::vector<float> row(logits.floats() + logits.size() - vocab,
                         logits.floats() + logits.size());
  NpyArray array{DType::F32, {vocab}, {}};
  array.bytes = Tensor::fromFloats(DType::F32, {vocab}, row).toBytes(DType::F32);
  if (llvm::Error e = writeNpy(path, array)) {
    error = {RunError::BadInput, llvm::toString(std::move(e))};
    return false;
  }
  return true;
}

} // namespace

std::optional<std::vector<int64_t>> runtime::generate(Program &program,
                                                      const GenerateOptions &options,
                                                      RunError &error) {
  if (options.prompt.empty()) {
    error = {RunError::BadInput, "generation needs a prompt"};
    return std::nullopt;
  }
  const std::optional<GenerationABI> &abi = program.generationABI();
  if (!abi) {
    error = {RunError::BadInput,
             "the module has no @forward (ids, positions, caches...) -> (logits, caches...) nor "
             "imported @main (ids, caches...) -> (logits, caches...)"};
    return std::nullopt;
  }
  std::unique_ptr<Session> session;
  if (abi->form == GenerationABI::Form::Static) {
    if (abi->decode.empty()) {
      error = {RunError::BadInput, "the static module has no @decode program"};
      return std::nullopt;
    }
    session = std::make_unique<StaticSession>(program, *abi, error);
  } else {
    session = std::make_unique<DynamicSession>(program, *abi, error);
  }
  std::optional<std::vector<Tensor>> caches = initialCaches(*session, *abi, options, error);
  if (!caches || !session->start(std::move(*caches)))
    return std::nullopt;
  int64_t needed = session->position + int64_t(options.prompt.size()) + options.count - 1;
  if (std::optional<int64_t> slots = session->capacity(); slots && needed > *slots) {
    error = {RunError::BadInput, std::to_string(session->position) + " cached, " +
                                     std::to_string(options.prompt.size()) + " prompt and " +
                                     std::to_string(options.count) +
                                     " generated tokens do not fit " + std::to_string(*slots) +
                                     " cache slots"};
    return std::nullopt;
  }

  std::optional<Tensor> logits = session->prefill(options.prompt);
  if (!logits)
    return std::nullopt;
  if (!options.promptLogitsFile.empty() &&
      !writePromptLogits(*logits, options.promptLogitsFile, error))
    return std::nullopt;
  if (!options.saveCacheFile.empty() && !saveCaches(options.saveCacheFile, session->used(), error))
    return std::nullopt;
  std::vector<int64_t> generated{lastArgmax(*logits)};
  while (generated.size() < options.count) {
    logits = session->decode(generated.back());
    if (!logits)
      return std::nullopt;
    generated.push_back(lastArgmax(*logits));
  }
  return generated;
}
