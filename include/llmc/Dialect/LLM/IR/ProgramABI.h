//===- ProgramABI.h - the static programs' typed, verified ABI --*- C++ -*-===//
//
// What llm-static-shapes and llm-bake-prefix produce and every consumer of
// static programs (the generation runner, the planner, the NPU serializer, a
// CPU runtime) reads, in one place (the llm dialect's "Model modules and
// inference phases" states the rules; LLMDialect.cpp verifies them):
//
//   module attributes {llm.max_seq_len = M, llm.prefill_chunk = C (optional)}
//   func.func @decode / @prefill_<N>(
//       %ids [B, N] integer, %position: tensor<i64>, %length: tensor<i64>,
//       caches...)
//     -> (logits [B, 1, V], cache results {llm.aliases = 3 + i}...)
//     attributes {llm.phase = #llm.phase<decode | prefill>, llm.tokens = N}
//   func.func @prefix_cache() -> (caches...)
//     attributes {llm.phase = #llm.phase<prefix>, llm.tokens = P,
//                 llm.prefix_ids = array<i64: ...>}
//
// Nothing but the dialect spells the attribute names; use these accessors.
// The dynamic entry points these programs are derived from (@forward, an
// imported @main) are in GenerationEntry.h.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_DIALECT_LLM_IR_PROGRAMABI_H
#define LLMC_DIALECT_LLM_IR_PROGRAMABI_H

#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <map>
#include <optional>
#include <string>

namespace llmc::llm {

//===----------------------------------------------------------------------===//
// Argument and result layout of a prefill or decode program
//===----------------------------------------------------------------------===//

/// The token ids, [B, N] of an integer type (N = llm.tokens); the tokens
/// from `length` on are padding.
constexpr unsigned kIdsArgument = 0;
/// The position of the first token (a 0-d integer tensor).
constexpr unsigned kPositionArgument = 1;
/// How many of the N tokens are real (a 0-d integer tensor).
constexpr unsigned kLengthArgument = 2;
/// Cache `i` is argument kFirstCacheArgument + i ...
constexpr unsigned kFirstCacheArgument = 3;
/// ... and result kFirstCacheResult + i, written in place of its argument
/// (`llm.aliases`).
constexpr unsigned kFirstCacheResult = 1;
/// The logits of the last real token, [B, 1, V].
constexpr unsigned kLogitsResult = 0;

/// The symbols llm-static-shapes and llm-bake-prefix give the programs.
/// Consumers find programs by their phase, not by these names.
constexpr llvm::StringLiteral kDecodeProgramName("decode");
constexpr llvm::StringLiteral kPrefixProgramName("prefix_cache");
/// `prefill_<tokens>`.
std::string prefillProgramName(int64_t tokens);

//===----------------------------------------------------------------------===//
// Attribute accessors
//===----------------------------------------------------------------------===//

/// The `llm.phase` of a function (none: not a static program, or not a
/// valid phase).
std::optional<Phase> getProgramPhase(mlir::Operation *function);
/// The `llm.tokens` of a function (none: absent or not an integer).
std::optional<int64_t> getProgramTokens(mlir::Operation *function);
/// Marks `function` a static program of `phase` processing `tokens` tokens.
void setProgram(mlir::func::FuncOp function, Phase phase, int64_t tokens);

/// The `llm.prefix_ids` of a prefix program.
std::optional<llvm::ArrayRef<int64_t>> getPrefixIds(mlir::func::FuncOp function);
/// Marks `function` the prefix program of `ids` (phase prefix, llm.tokens
/// = the number of ids, llm.prefix_ids = ids).
void setPrefixProgram(mlir::func::FuncOp function, llvm::ArrayRef<int64_t> ids);

/// The argument result `result` of `function` is written in place of
/// (`llm.aliases`), if any.
std::optional<unsigned> getAliasedArgument(mlir::func::FuncOp function, unsigned result);
void setAliasedArgument(mlir::func::FuncOp function, unsigned result, unsigned argument);

/// The module's `llm.max_seq_len` (none: not a module of static programs).
std::optional<int64_t> getMaxSeqLen(mlir::ModuleOp module);
void setMaxSeqLen(mlir::ModuleOp module, int64_t slots);
/// The module's `llm.prefill_chunk`, if any.
std::optional<int64_t> getPrefillChunk(mlir::ModuleOp module);
void setPrefillChunk(mlir::ModuleOp module, int64_t tokens);

/// Whether the module holds static programs (has `llm.max_seq_len`).
inline bool isStaticModule(mlir::ModuleOp module) { return getMaxSeqLen(module).has_value(); }

/// The module's prefix program (phase prefix), if any; in a dynamic module
/// as in a static one.
mlir::func::FuncOp lookupPrefixProgram(mlir::ModuleOp module);

//===----------------------------------------------------------------------===//
// A static module's programs
//===----------------------------------------------------------------------===//

struct StaticPrograms {
  /// Cache slots of each cache ([B, H, M, D]: M).
  int64_t maxSeqLen = 0;
  /// The token count of the prefill program that chunks a long prompt.
  std::optional<int64_t> prefillChunk;
  // Op handles: const methods call them.
  mutable mlir::func::FuncOp decode;
  /// The prefill programs by their token count.
  std::map<int64_t, mlir::func::FuncOp> prefills;
  /// The baked prefix (null: none); its results are the caches' initial
  /// value, with the first prefixTokens slots written.
  mutable mlir::func::FuncOp prefix;
  int64_t prefixTokens = 0;

  unsigned firstCacheArgument() const { return kFirstCacheArgument; }
  unsigned firstCacheResult() const { return kFirstCacheResult; }
  unsigned numCaches() const { return decode.getNumArguments() - kFirstCacheArgument; }
  /// The caches' types (every program's, and the prefix's results).
  mlir::TypeRange cacheTypes() const {
    return decode.getFunctionType().getInputs().drop_front(kFirstCacheArgument);
  }
  /// The prefill programs' token counts, ascending.
  llvm::SmallVector<int64_t> prefillSizes() const;
  /// Every program: decode, the prefills (ascending), the baked prefix.
  llvm::SmallVector<mlir::func::FuncOp> all() const;
};

/// The programs of a module of static programs (llm.max_seq_len); none when
/// the module is not one or has no decode program (a verified one has).
std::optional<StaticPrograms> lookupStaticPrograms(mlir::ModuleOp module);

} // namespace llmc::llm

#endif // LLMC_DIALECT_LLM_IR_PROGRAMABI_H
