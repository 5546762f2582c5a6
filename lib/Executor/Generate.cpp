//===- Generate.cpp - greedy generation on the reference executor ---------===//
#include "llmc/Executor/Generate.h"

#include "llmc/Dialect/LLM/IR/GenerationEntry.h"
#include "llmc/Dialect/LLM/IR/ProgramABI.h"
#include "llmc/Dialect/LLM/Transforms/PrefillSchedule.h"
#include "llmc/Support/Npy.h"
#include "llmc/Support/SafeTensors.h"

#include <map>

using namespace mlir;
using namespace llmc;
using namespace llmc::exec;


namespace {

/// A cache [B, H, S, D] with `slots` slots: its first `keep` slots, then
/// zeros.
Tensor withSlots(const Tensor &cache, int64_t slots, int64_t keep) {
  int64_t outer = cache.dim(0) * cache.dim(1), width = cache.dim(3);
  std::vector<float> values(outer * slots * width, 0.0f);
  for (int64_t o = 0; o < outer; ++o)
    std::copy_n(cache.floats() + o * cache.dim(2) * width, keep * width,
                values.begin() + o * slots * width);
  return Tensor::fromFloats(cache.dtype(), {cache.dim(0), cache.dim(1), slots, width},
                            std::move(values));
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
/// calls that advance them. Subclasses run @forward or the static programs.
class Session {
public:
  Session(Executor &executor, GenerateError &error) : executor(executor), error(error) {}
  virtual ~Session() = default;

  /// Runs the prompt `tokens` at the current position; the logits of the
  /// last one.
  virtual std::optional<Tensor> prefill(ArrayRef<int64_t> tokens) = 0;

  /// Runs one generated token.
  virtual std::optional<Tensor> decode(int64_t token) { return prefill(token); }

  /// How many tokens fit in the caches (none: unbounded).
  virtual std::optional<int64_t> capacity() const { return std::nullopt; }

  /// Starts from `initial`, each [B, H, P, D] holding positions 0 .. P-1
  /// (none: empty caches), widened to the capacity when there is one.
  bool start(std::vector<Tensor> initial) {
    TypeRange types = cacheTypes();
    if (!initial.empty() && initial.size() != types.size()) {
      error.message = "the initial caches are " + std::to_string(initial.size()) +
                      ", the model takes " + std::to_string(types.size());
      return false;
    }
    position = initial.empty() ? 0 : initial.front().dim(2);
    caches.clear();
    for (auto [i, type] : llvm::enumerate(types))
      caches.push_back(initial.empty()
                           ? emptyCacheFor(cast<RankedTensorType>(type))
                           : withSlots(initial[i], capacity().value_or(position), position));
    return true;
  }

  /// The caches' first `position` slots, [B, H, position, D] each.
  std::vector<Tensor> used() const {
    std::vector<Tensor> prefix;
    for (const Tensor &cache : caches)
      prefix.push_back(withSlots(cache, position, position));
    return prefix;
  }

  /// Runs a function of the module, keeping its error.
  std::optional<std::vector<Tensor>> call(func::FuncOp function, std::vector<Tensor> inputs) {
    RunError runError;
    std::optional<std::vector<Tensor>> results = executor.run(function, inputs, runError);
    if (!results)
      error = {runError.kind == RunError::Unsupported, runError.message};
    return results;
  }

  int64_t position = 0;

protected:
  /// The types of the cache arguments.
  virtual TypeRange cacheTypes() = 0;

  /// Runs `function` on `leading` inputs then the caches, which become its
  /// results after the first (the logits, returned).
  std::optional<Tensor> advance(func::FuncOp function, std::vector<Tensor> leading,
                                int64_t tokens) {
    leading.insert(leading.end(), caches.begin(), caches.end());
    std::optional<std::vector<Tensor>> results = call(function, std::move(leading));
    if (!results)
      return std::nullopt;
    caches.assign(results->begin() + 1, results->end());
    position += tokens;
    return (*results)[0];
  }

  Executor &executor;
  GenerateError &error;
  std::vector<Tensor> caches;
};

/// @forward, or an imported @main (which reads the position from the
/// caches' length): caches grow by the tokens of each call.
class DynamicSession : public Session {
public:
  DynamicSession(Executor &executor, GenerateError &error, llm::GenerationEntry entry)
      : Session(executor, error), entry(entry) {}

  std::optional<Tensor> prefill(ArrayRef<int64_t> tokens) override {
    int64_t count = int64_t(tokens.size());
    std::vector<Tensor> leading{Tensor::fromInts(
        DType::I64, {1, count}, std::vector<int64_t>(tokens.begin(), tokens.end()))};
    if (entry.hasPositions()) {
      std::vector<int64_t> positions(count);
      for (int64_t i = 0; i < count; ++i)
        positions[i] = position + i;
      leading.push_back(Tensor::fromInts(DType::I64, {1, count}, positions));
    }
    return advance(entry.function, std::move(leading), count);
  }

private:
  TypeRange cacheTypes() override { return entry.cacheTypes(); }

  llm::GenerationEntry entry;
};

/// The static programs: fixed [B, H, M, D] buffers, the prompt through the
/// prefill schedule, then @decode.
class StaticSession : public Session {
public:
  StaticSession(Executor &executor, GenerateError &error, ModuleOp module)
      : Session(executor, error) {
    if (std::optional<llm::StaticPrograms> programs = llm::lookupStaticPrograms(module)) {
      slots = programs->maxSeqLen;
      chunk = programs->prefillChunk;
      decodeProgram = programs->decode;
      prefills = programs->prefills;
    }
  }

  bool valid() const { return bool(decodeProgram); }

  std::optional<int64_t> capacity() const override { return slots; }

  std::optional<Tensor> prefill(ArrayRef<int64_t> tokens) override {
    SmallVector<int64_t> sizes;
    for (auto &entry : prefills)
      sizes.push_back(entry.first);
    std::optional<Tensor> logits;
    for (const llm::PrefillCall &step :
         llm::schedulePrefill(int64_t(tokens.size()), sizes, chunk)) {
      auto found = prefills.find(step.programTokens);
      logits = run(found != prefills.end() ? found->second : decodeProgram,
                   tokens.take_front(step.tokens));
      if (!logits)
        return std::nullopt;
      tokens = tokens.drop_front(step.tokens);
    }
    return logits;
  }

  std::optional<Tensor> decode(int64_t token) override { return run(decodeProgram, token); }

private:
  TypeRange cacheTypes() override {
    return decodeProgram.getFunctionType().getInputs().drop_front(llm::kFirstCacheArgument);
  }

  std::optional<Tensor> run(func::FuncOp program, ArrayRef<int64_t> tokens) {
    int64_t n = *llm::getProgramTokens(program);
    int64_t count = int64_t(tokens.size());
    std::vector<int64_t> ids(tokens.begin(), tokens.end());
    ids.resize(n, 0); // padding
    return advance(program,
                   {Tensor::fromInts(DType::I64, {1, n}, ids),
                    Tensor::fromInts(DType::I64, {}, {position}),
                    Tensor::fromInts(DType::I64, {}, {count})},
                   count);
  }

  int64_t slots = 0;
  std::optional<int64_t> chunk;
  func::FuncOp decodeProgram;
  std::map<int64_t, func::FuncOp> prefills; ///< by llm.tokens
};

/// The caches of a file written by `saveCaches`.
std::optional<std::vector<Tensor>> loadCaches(StringRef path, GenerateError &error) {
  llvm::Expected<std::unique_ptr<SafeTensorsFile>> file = SafeTensorsFile::open(path);
  if (!file) {
    error.message = llvm::toString(file.takeError());
    return std::nullopt;
  }
  std::map<int64_t, Tensor> byIndex;
  for (const StoredTensor &stored : (*file)->tensors()) {
    int64_t index;
    StringRef name(stored.name);
    if (!name.consume_front("cache.") || name.getAsInteger(10, index) || index < 0 ||
        stored.shape.size() != 4 || !isFloat(stored.dtype)) {
      error.message = path.str() + ": '" + stored.name +
                      "' is not a cache (cache.<i>, a float [B, H, P, D] tensor)";
      return std::nullopt;
    }
    byIndex[index] = Tensor::fromBytes(stored.dtype, DType::F32, stored.shape, stored.data);
  }
  std::vector<Tensor> caches;
  for (auto &[index, cache] : byIndex) {
    if (index != int64_t(caches.size()) || cache.dim(2) != byIndex.begin()->second.dim(2)) {
      error.message = path.str() + ": the caches must be cache.0 .. cache.<n-1>, all of one length";
      return std::nullopt;
    }
    caches.push_back(cache);
  }
  return caches;
}

bool saveCaches(StringRef path, ArrayRef<Tensor> caches, GenerateError &error) {
  std::vector<std::vector<char>> bytes;
  std::vector<TensorToWrite> tensors;
  for (const Tensor &cache : caches)
    bytes.push_back(cache.toBytes(DType::F32));
  for (auto [i, cache] : llvm::enumerate(caches))
    tensors.push_back({"cache." + std::to_string(i), DType::F32,
                       SmallVector<int64_t>(cache.shape()), bytes[i]});
  if (llvm::Error e = writeSafeTensors(path, tensors)) {
    error.message = llvm::toString(std::move(e));
    return false;
  }
  return true;
}

/// The caches a run starts from: a cache file, else the baked prefix, else
/// none (empty).
std::optional<std::vector<Tensor>> initialCaches(Session &session, ModuleOp module,
                                                 const GenerateOptions &options,
                                                 GenerateError &error) {
  if (!options.loadCacheFile.empty())
    return loadCaches(options.loadCacheFile, error);
  func::FuncOp prefix = llm::lookupPrefixProgram(module);
  if (!prefix)
    return std::vector<Tensor>{};
  std::optional<std::vector<Tensor>> caches = session.call(prefix, {});
  if (!caches)
    return std::nullopt;
  // The static form holds all slots; its first llm.tokens are the prefix.
  int64_t length = *llm::getProgramTokens(prefix);
  for (Tensor &cache : *caches)
    cache = withSlots(cache, length, length);
  return caches;
}

} // namespace

std::optional<std::vector<int64_t>> llmc::exec::generate(Executor &executor, ModuleOp module,
                                                        const GenerateOptions &options,
                                                        GenerateError &error) {
  if (options.prompt.empty()) {
    error.message = "generation needs a prompt";
    return std::nullopt;
  }
  std::unique_ptr<Session> session;
  if (llm::isStaticModule(module)) {
    auto programs = std::make_unique<StaticSession>(executor, error, module);
    if (!programs->valid()) {
      error.message = "the static module has no @decode program";
      return std::nullopt;
    }
    session = std::move(programs);
  } else {
    std::optional<llm::GenerationEntry> entry = llm::lookupGenerationEntry(module);
    if (!entry) {
      error.message = "the module has no @forward (ids, positions, caches...) -> (logits, "
                      "caches...) nor imported @main (ids, caches...) -> (logits, caches...)";
      return std::nullopt;
    }
    session = std::make_unique<DynamicSession>(executor, error, *entry);
  }
  std::optional<std::vector<Tensor>> caches =
      initialCaches(*session, module, options, error);
  if (!caches || !session->start(std::move(*caches)))
    return std::nullopt;
  int64_t needed = session->position + int64_t(options.prompt.size()) + options.count - 1;
  if (std::optional<int64_t> slots = session->capacity(); slots && needed > *slots) {
    error.message = std::to_string(session->position) + " cached, " +
                    std::to_string(options.prompt.size()) + " prompt and " +
                    std::to_string(options.count) + " generated tokens do not fit " +
                    std::to_string(*slots) + " cache slots";
    return std::nullopt;
  }

  std::optional<Tensor> logits = session->prefill(options.prompt);
  if (!logits)
    return std::nullopt;
  if (!options.promptLogitsFile.empty()) {
    int64_t vocab = logits->shape().back();
    std::vector<float> row(logits->floats() + logits->size() - vocab,
                           logits->floats() + logits->size());
    NpyArray array{DType::F32, {vocab}, {}};
    array.bytes = Tensor::fromFloats(DType::F32, {vocab}, row).toBytes(DType::F32);
    if (llvm::Error e = writeNpy(options.promptLogitsFile, array)) {
      error.message = llvm::toString(std::move(e));
      return std::nullopt;
    }
  }
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
