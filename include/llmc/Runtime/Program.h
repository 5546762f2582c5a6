//===- Program.h - a compiled model as the runtime sees it ------*- C++ -*-===//
//
// The runtime layer (lib/Runtime) links no MLIR: generation sessions, the
// prefill schedule and cache files drive any implementation of `Program`,
// the small interface a model takes once it is loaded. The interpreter
// implements it over an `llm` module today (exec::InterpretedProgram); the
// NPU simulator over a FlatBuffers artifact and the CPU runtime over native
// code implement it next, and generate exactly as the interpreter does.
//
// A program describes how it generates (`GenerationABI`, the program ABI of
// the dialect's "Model modules and inference phases" as plain data) and
// runs its entry points by name.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_RUNTIME_PROGRAM_H
#define LLMC_RUNTIME_PROGRAM_H

#include "llmc/Reference/Tensor.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llmc::runtime {

using ref::Shape;
using ref::Tensor;

/// Why a call failed; tools map the kind to an exit status.
struct RunError {
  enum Kind {
    BadInput,    // inputs, weights or the program are wrong for the call
    Unsupported, // the program holds an operation this runtime cannot run
  };
  Kind kind = BadInput;
  std::string message;
};

/// A size fixed only when the entry point is called.
constexpr int64_t kDynamicSize = -1;

/// The element type and shape of an entry point's argument or result.
struct TensorSpec {
  DType dtype = DType::F32;
  Shape shape; ///< kDynamicSize where the call decides
  /// For a cache: the axis it grows along (its length). Static programs'
  /// caches are [B, H, M, D]; a dynamic entry's may be laid out otherwise
  /// ([B, P, H, D], a latent [B, P, C]).
  int64_t sequenceAxis = 2;
};

/// How a program is driven to generate: one dynamic entry point, or the
/// static prefill/decode programs over fixed KV caches.
struct GenerationABI {
  enum class Form {
    /// forward(ids [B, S], positions [B, S], caches...) -> (logits,
    /// caches...): caches grow by S per call.
    Forward,
    /// An imported graph's main(ids [B, S], caches...) -> (logits,
    /// caches...), positions taken from the caches' length.
    Main,
    /// decode / prefill_<N>(ids [B, N], position, length, caches [B, H, M,
    /// D]...) -> (logits, caches...), caches updated in place.
    Static,
  };
  Form form = Form::Forward;

  /// Forward/Main: the entry point.
  std::string entry;

  /// Static: the cache slots M, the decode program, the prefill programs
  /// by token count, and the chunk size long prompts run through.
  int64_t maxSeqLen = 0;
  std::string decode;
  std::map<int64_t, std::string> prefills;
  std::optional<int64_t> prefillChunk;

  /// A baked prefix: the entry point returning its caches (no arguments),
  /// and how many tokens it holds.
  std::optional<std::string> prefix;
  int64_t prefixTokens = 0;

  /// The cache arguments, in order ([B, H, S, D] each for the static
  /// form; a dynamic entry's grow along their `sequenceAxis`).
  std::vector<TensorSpec> caches;
};

class Program {
public:
  virtual ~Program();

  /// How this program generates; none when it is not a generation model.
  virtual const std::optional<GenerationABI> &generationABI() const = 0;

  /// Runs the entry point `name` on `inputs` (one per argument). On
  /// failure, `error` says why.
  virtual std::optional<std::vector<Tensor>> call(llvm::StringRef name,
                                                  llvm::ArrayRef<Tensor> inputs,
                                                  RunError &error) = 0;
};

/// An empty cache of `spec`: its dynamic sequence axis (2) is 0 long, any
/// other dynamic size (the batch) 1.
Tensor emptyCache(const TensorSpec &spec);

} // namespace llmc::runtime

#endif // LLMC_RUNTIME_PROGRAM_H
