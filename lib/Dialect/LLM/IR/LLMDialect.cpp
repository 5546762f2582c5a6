//===- LLMDialect.cpp - llm dialect registration and module attributes ----===//
#include "llmc/Dialect/LLM/IR/LLMDialect.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/IR/MemoryPlan.h"
#include "llmc/Dialect/LLM/IR/ProgramABI.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <limits>

using namespace mlir;
using namespace llmc::llm;

#include "llmc/Dialect/LLM/IR/LLMDialect.cpp.inc"
#include "llmc/Dialect/LLM/IR/LLMEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "llmc/Dialect/LLM/IR/LLMAttrs.cpp.inc"

void LLMDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "llmc/Dialect/LLM/IR/LLMAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "llmc/Dialect/LLM/IR/LLMOps.cpp.inc"
      >();
}

Operation *LLMDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return builder.create<ConstantOp>(loc, type, elements);
}

//===----------------------------------------------------------------------===//
// The static programs' ABI (ProgramABI.h; the dialect's "Model modules and
// inference phases")
//===----------------------------------------------------------------------===//

namespace {

/// The module's decode program, if it has one (the module's own check
/// reports a static module without).
func::FuncOp findDecodeProgram(Operation *function) {
  auto module = dyn_cast_or_null<ModuleOp>(function->getParentOp());
  if (!module)
    return {};
  for (auto other : module.getOps<func::FuncOp>())
    if (getProgramPhase(other) == Phase::decode)
      return other;
  return {};
}

/// The caches `caches` of `function` (a prefill program's cache arguments,
/// a prefix program's results) are the decode program's.
LogicalResult verifyCachesOfDecode(func::FuncOp function, TypeRange caches, StringRef what) {
  func::FuncOp decode = findDecodeProgram(function);
  if (!decode || decode == function)
    return success();
  TypeRange expected = decode.getFunctionType().getInputs().drop_front(kFirstCacheArgument);
  if (caches.size() != expected.size())
    return function.emitError() << "the programs of a module share their caches: this program "
                                << what << " " << caches.size() << ", @" << decode.getSymName()
                                << " takes " << expected.size();
  for (auto [i, type, decodeType] : llvm::enumerate(caches, expected))
    if (type != decodeType)
      return function.emitError() << "the programs of a module share their caches: cache #" << i
                                  << " is " << type << " here, " << decodeType << " in @"
                                  << decode.getSymName();
  return success();
}

/// (ids [B, N], position, length, caches...) -> (logits [B, 1, V], caches
/// written in place of their arguments...).
LogicalResult verifyProgramSignature(func::FuncOp function, StringRef phase, int64_t tokens,
                                     int64_t slots) {
  FunctionType type = function.getFunctionType();
  if (type.getNumInputs() < kFirstCacheArgument)
    return function.emitError() << "a " << phase
                                << " program takes (ids, position, length, caches...), not "
                                << type.getNumInputs() << " arguments";
  auto ids = dyn_cast<RankedTensorType>(type.getInput(kIdsArgument));
  if (!ids || ids.getRank() != 2 || !ids.getElementType().isInteger(64) ||
      ids.getDimSize(1) != tokens)
    return function.emitError() << "the ids (argument #" << kIdsArgument << ") of a " << phase
                                << " program of llm.tokens = " << tokens
                                << " must be an i64 tensor [B, " << tokens << "], not "
                                << type.getInput(kIdsArgument);
  Type i64Scalar = RankedTensorType::get({}, IntegerType::get(function.getContext(), 64));
  for (auto [index, name] : {std::pair(kPositionArgument, "position"),
                             std::pair(kLengthArgument, "length")})
    if (type.getInput(index) != i64Scalar)
      return function.emitError() << "the " << name << " (argument #" << index << ") of a "
                                  << phase << " program must be tensor<i64>, not "
                                  << type.getInput(index);
  unsigned caches = type.getNumInputs() - kFirstCacheArgument;
  for (unsigned i = 0; i < caches; ++i) {
    auto cache = dyn_cast<RankedTensorType>(type.getInput(kFirstCacheArgument + i));
    if (!cache || cache.getRank() != 4 || !isa<FloatType>(cache.getElementType()) ||
        cache.isDynamicDim(1) || cache.isDynamicDim(3) || cache.getDimSize(2) != slots)
      return function.emitError()
             << "cache #" << i << " (argument #" << kFirstCacheArgument + i << ") of a "
             << phase << " program must be a float tensor [B, H, " << slots << ", D] ("
             << LLMDialect::getMaxSeqLenAttrName() << " slots, static H and D), not "
             << type.getInput(kFirstCacheArgument + i);
  }
  if (type.getNumResults() != kFirstCacheResult + caches)
    return function.emitError() << "a " << phase
                                << " program returns the logits and one result per cache "
                                   "argument ("
                                << kFirstCacheResult + caches << " results), not "
                                << type.getNumResults();
  auto logits = dyn_cast<RankedTensorType>(type.getResult(kLogitsResult));
  if (!logits || logits.getRank() != 3 || logits.getDimSize(1) != 1 ||
      !isa<FloatType>(logits.getElementType()))
    return function.emitError() << "the logits (result #" << kLogitsResult << ") of a " << phase
                                << " program must be a float tensor [B, 1, V], not "
                                << type.getResult(kLogitsResult);
  for (unsigned i = 0; i < caches; ++i)
    if (getAliasedArgument(function, kFirstCacheResult + i) != kFirstCacheArgument + i)
      return function.emitError() << "cache result #" << kFirstCacheResult + i << " of a "
                                  << phase << " program must carry '"
                                  << LLMDialect::getAliasesAttrName() << " = "
                                  << kFirstCacheArgument + i
                                  << "', the cache argument it is written in place of";
  return success();
}

/// `llm.phase` and what a program of that phase must be.
LogicalResult verifyPhase(Operation *op, Attribute value) {
  StringRef name = LLMDialect::getPhaseAttrName();
  auto phaseAttr = dyn_cast<PhaseAttr>(value);
  if (!phaseAttr)
    return op->emitError() << "'" << name
                           << "' must be #llm.phase<prefill>, #llm.phase<decode> or "
                              "#llm.phase<prefix>, not "
                           << value;
  auto function = dyn_cast<func::FuncOp>(op);
  if (!function)
    return op->emitError() << "'" << name << "' belongs on a func.func";
  Phase phase = phaseAttr.getValue();
  StringRef phaseName = stringifyPhase(phase);
  if (!op->hasAttr(LLMDialect::getTokensAttrName()))
    return op->emitError() << "a " << phaseName << " program must carry '"
                           << LLMDialect::getTokensAttrName() << "'";
  std::optional<int64_t> tokens = getProgramTokens(op);
  if (!tokens || *tokens <= 0)
    return success(); // llm.tokens' own check reports it
  // One decode and one prefix program per module, one prefill per size: the
  // later one reports.
  if (Block *block = op->getBlock())
    for (Operation &other : *block) {
      if (&other == op)
        break;
      if (getProgramPhase(&other) != phase ||
          (phase == Phase::prefill && getProgramTokens(&other) != tokens))
        continue;
      InFlightDiagnostic diag = op->emitError() << "the module already has a " << phaseName
                                                << " program";
      if (phase == Phase::prefill)
        diag << " of " << *tokens << " tokens";
      diag.attachNote(other.getLoc()) << "the other is here";
      return diag;
    }
  auto module = dyn_cast_or_null<ModuleOp>(op->getParentOp());
  std::optional<int64_t> slots = module ? getMaxSeqLen(module) : std::nullopt;
  if (phase == Phase::prefix) {
    if (function.getNumArguments() != 0)
      return op->emitError() << "a prefix program takes no arguments, not "
                             << function.getNumArguments();
    if (!slots)
      return success();
    if (*tokens >= *slots)
      return op->emitError() << "a prefix of " << *tokens << " tokens leaves no cache slot of "
                             << LLMDialect::getMaxSeqLenAttrName() << " = " << *slots << " free";
    return verifyCachesOfDecode(function, function.getResultTypes(), "returns");
  }
  if (phase == Phase::decode && *tokens != 1)
    return op->emitError() << "a decode program has " << LLMDialect::getTokensAttrName()
                           << " = 1, not " << *tokens;
  if (!slots)
    return op->emitError() << "a " << phaseName << " program belongs in a builtin.module with '"
                           << LLMDialect::getMaxSeqLenAttrName() << "'";
  if (*tokens > *slots)
    return op->emitError() << "a " << phaseName << " program of " << *tokens
                           << " tokens does not fit " << LLMDialect::getMaxSeqLenAttrName()
                           << " = " << *slots << " cache slots";
  if (failed(verifyProgramSignature(function, phaseName, *tokens, *slots)))
    return failure();
  return verifyCachesOfDecode(
      function, function.getFunctionType().getInputs().drop_front(kFirstCacheArgument), "takes");
}

/// A positive integer attribute.
LogicalResult verifyPositive(Operation *op, NamedAttribute attr) {
  auto value = dyn_cast<IntegerAttr>(attr.getValue());
  if (!value || value.getInt() <= 0)
    return op->emitError() << "'" << attr.getName().strref() << "' must be a positive integer";
  return success();
}

/// `llm.max_seq_len` / `llm.prefill_chunk`: positive, on a module; a module
/// of static programs has a decode program, and its chunk size is one of
/// its prefill programs.
LogicalResult verifyModuleAttribute(Operation *op, NamedAttribute attr) {
  StringRef name = attr.getName().strref();
  if (failed(verifyPositive(op, attr)))
    return failure();
  auto module = dyn_cast<ModuleOp>(op);
  if (!module)
    return op->emitError() << "'" << name << "' belongs on a builtin.module";
  if (name == LLMDialect::getMaxSeqLenAttrName()) {
    for (auto function : module.getOps<func::FuncOp>()) {
      Attribute phase = function->getAttr(LLMDialect::getPhaseAttrName());
      // An invalid phase is reported by the function's own check.
      if (phase && (!isa<PhaseAttr>(phase) || cast<PhaseAttr>(phase).getValue() == Phase::decode))
        return success();
    }
    return op->emitError() << "a module of static programs ('" << name
                           << "') needs a decode program (llm.phase = #llm.phase<decode>)";
  }
  if (!getMaxSeqLen(module))
    return op->emitError() << "'" << name << "' belongs on a module of static programs (with '"
                           << LLMDialect::getMaxSeqLenAttrName() << "')";
  int64_t chunk = cast<IntegerAttr>(attr.getValue()).getInt();
  for (auto function : module.getOps<func::FuncOp>())
    if (getProgramPhase(function) == Phase::prefill && getProgramTokens(function) == chunk)
      return success();
  return op->emitError() << "'" << name << "' = " << chunk
                         << " names no prefill program (none has "
                         << LLMDialect::getTokensAttrName() << " = " << chunk << ")";
}

} // namespace

// Discardable `llm.*` attributes: `llm.weights` (the path of the weights
// file, on the module that holds the model), the static programs' and
// baked prefix's ABI, and `llm.observed` / `llm.observed_row_rms`
// (calibrated ranges).
LogicalResult LLMDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attr) {
  StringRef name = attr.getName().strref();
  if (name == getPhaseAttrName())
    return verifyPhase(op, attr.getValue());
  if (name == getTokensAttrName()) {
    if (failed(verifyPositive(op, attr)))
      return failure();
    if (!isa<func::FuncOp>(op) || !op->hasAttr(getPhaseAttrName()))
      return op->emitError() << "'" << name << "' belongs on a static program (a func.func with '"
                             << getPhaseAttrName() << "')";
    return success();
  }
  if (name == getMaxSeqLenAttrName() || name == getPrefillChunkAttrName())
    return verifyModuleAttribute(op, attr);
  if (name == getPrefixIdsAttrName()) {
    auto ids = dyn_cast<DenseI64ArrayAttr>(attr.getValue());
    if (!ids)
      return op->emitError() << "'" << name << "' must be an array<i64> of token ids";
    if (!isa<func::FuncOp>(op) || getProgramPhase(op) != Phase::prefix)
      return op->emitError() << "'" << name
                             << "' belongs on a prefix program (llm.phase = #llm.phase<prefix>)";
    std::optional<int64_t> tokens = getProgramTokens(op);
    if (tokens && *tokens != int64_t(ids.size()))
      return op->emitError() << "'" << name << "' holds " << ids.size() << " ids, but "
                             << getTokensAttrName() << " = " << *tokens;
    return success();
  }
  if (name == getAliasesAttrName())
    return op->emitError() << "'" << name
                           << "' is an attribute of a function result, not of an operation";
  if (name == getDeviceAttrName()) {
    if (!isa<ModuleOp>(op))
      return op->emitError() << "'" << name << "' belongs on a builtin.module";
    if (!isa<DeviceAttr>(attr.getValue()))
      return op->emitError() << "'" << name << "' must be a #llm.device<...>";
    return success();
  }
  if (name == getObservedRangeAttrName() || name == getObservedRowRMSAttrName()) {
    auto range = dyn_cast<DenseF64ArrayAttr>(attr.getValue());
    if (!range || range.size() != 2 || !(range[0] <= range[1]))
      return op->emitError() << "'" << name << "' must be array<f64: lo, hi> with lo <= hi";
    if (op->getNumResults() != 1)
      return op->emitError() << "'" << name << "' belongs on an op with one result";
    return success();
  }
  if (name == getBuffersAttrName()) {
    auto buffers = dyn_cast<ArrayAttr>(attr.getValue());
    if (!buffers || buffers.size() != op->getNumResults() ||
        !llvm::all_of(buffers, [](Attribute a) { return isa<BufferAttr, UnitAttr>(a); }))
      return op->emitError() << "'" << name << "' must list one #llm.buffer (or unit: none) per "
                             << "result, " << op->getNumResults() << " here";
    return success();
  }
  if (name == getGroupScratchAttrName()) {
    if (!isa<FusionGroupOp>(op) || !isa<BufferAttr>(attr.getValue()))
      return op->emitError() << "'" << name << "' belongs on an llm.fusion_group, a #llm.buffer";
    return success();
  }
  if (name == getMemoryPlanAttrName()) {
    auto plan = dyn_cast<DictionaryAttr>(attr.getValue());
    if (!isa<func::FuncOp>(op) || !getProgramPhase(op) || !plan ||
        !llvm::all_of(plan, [](NamedAttribute e) { return isa<IntegerAttr>(e.getValue()); }))
      return op->emitError() << "'" << name
                             << "' belongs on a static program, a dictionary of integers";
    return success();
  }
  if (name == getMemoryPoolsAttrName()) {
    auto module = dyn_cast<ModuleOp>(op);
    std::optional<MemoryPools> pools = module ? getMemoryPools(module) : std::nullopt;
    if (!pools)
      return op->emitError() << "'" << name
                             << "' belongs on a builtin.module, a dictionary of i64 (alignment and pool sizes)";
    return verifyMemoryPlan(module, *pools);
  }
  if (attr.getName() != getWeightsAttrName())
    return op->emitError() << "unknown attribute '" << attr.getName().strref()
                           << "' of the llm dialect";
  if (!isa<ModuleOp>(op))
    return op->emitError() << "'" << getWeightsAttrName()
                           << "' belongs on a builtin.module";
  auto isPath = [](Attribute a) {
    auto path = dyn_cast<StringAttr>(a);
    return path && !path.getValue().empty();
  };
  auto list = dyn_cast<ArrayAttr>(attr.getValue());
  if (!isPath(attr.getValue()) && !(list && !list.empty() && llvm::all_of(list, isPath)))
    return op->emitError() << "'" << getWeightsAttrName()
                           << "' must be a non-empty string naming the weights file, or a "
                              "non-empty list of them";
  return success();
}

// `llm.buffer`: where a planned program's argument lives (MemoryPlan.h).
LogicalResult LLMDialect::verifyRegionArgAttribute(Operation *op, unsigned regionIndex,
                                                   unsigned argIndex, NamedAttribute attr) {
  if (attr.getName() == getBufferAttrName()) {
    if (!isa<BufferAttr>(attr.getValue()))
      return op->emitError() << "'" << getBufferAttrName() << "' of argument #" << argIndex
                             << " must be a #llm.buffer";
    return success();
  }
  if (attr.getName() == getAliasesAttrName())
    return op->emitError() << "'" << getAliasesAttrName()
                           << "' belongs on a function result, not on argument #" << argIndex;
  return op->emitError() << "unknown argument attribute '" << attr.getName().strref()
                         << "' of the llm dialect";
}

// `llm.aliases = <argument index>`: the result is written in place of that
// argument (same type; no two results in one argument).
LogicalResult LLMDialect::verifyRegionResultAttribute(Operation *op, unsigned regionIndex,
                                                      unsigned resultIndex,
                                                      NamedAttribute attr) {
  StringRef name = attr.getName().strref();
  if (name != getAliasesAttrName())
    return op->emitError() << "unknown result attribute '" << name << "' of the llm dialect";
  auto function = dyn_cast<func::FuncOp>(op);
  if (!function)
    return op->emitError() << "'" << name << "' belongs on a result of a func.func";
  auto argument = dyn_cast<IntegerAttr>(attr.getValue());
  if (!argument || !isa<IntegerType>(argument.getType()) ||
      argument.getType().isInteger(1))
    return op->emitError() << "'" << name << "' of result #" << resultIndex
                           << " must be an integer naming an argument, not "
                           << attr.getValue();
  FunctionType type = function.getFunctionType();
  int64_t index = argument.getInt();
  if (index < 0 || index >= int64_t(type.getNumInputs()))
    return op->emitError() << "'" << name << "' of result #" << resultIndex
                           << " names argument #" << index << ", but the function has "
                           << type.getNumInputs() << " arguments";
  if (type.getInput(index) != type.getResult(resultIndex))
    return op->emitError() << "result #" << resultIndex << " (" << type.getResult(resultIndex)
                           << ") cannot live in argument #" << index << " ("
                           << type.getInput(index) << "): '" << name
                           << "' needs equal types";
  for (unsigned other = 0; other < resultIndex; ++other)
    if (getAliasedArgument(function, other) == uint64_t(index))
      return op->emitError() << "results #" << other << " and #" << resultIndex
                             << " both alias argument #" << index;
  return success();
}

LogicalResult DeviceAttr::verify(function_ref<InFlightDiagnostic()> emitError, StringRef name,
                                 bool accumulatesInFP32, int64_t sramBytes) {
  if (name.empty())
    return emitError() << "a device needs the name of its target";
  if (sramBytes < 0)
    return emitError() << "sram_bytes must not be negative, got " << sramBytes;
  return success();
}

LogicalResult BufferAttr::verify(function_ref<InFlightDiagnostic()> emitError, StringRef pool,
                                 int64_t offset, int64_t size) {
  if (!isMemoryPool(pool))
    return emitError() << "unknown pool '" << pool << "' (cache, io, dram, sram)";
  if (offset < 0 || size < 0 || offset > std::numeric_limits<int64_t>::max() - size)
    return emitError() << "a buffer's offset and size are not negative and their sum fits 64 "
                          "bits, got "
                       << offset << " and " << size;
  return success();
}

LogicalResult YarnAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               APFloat factorValue, int64_t originalMaxPosition,
                               APFloat betaFastValue, APFloat betaSlowValue,
                               APFloat mscaleValue, APFloat mscaleAllDimValue) {
  double factor = factorValue.convertToDouble();
  double betaFast = betaFastValue.convertToDouble();
  double betaSlow = betaSlowValue.convertToDouble();
  double mscale = mscaleValue.convertToDouble();
  double mscaleAllDim = mscaleAllDimValue.convertToDouble();
  if (!(factor >= 1.0))
    return emitError() << "YaRN factor must be at least 1, got " << factor;
  if (originalMaxPosition <= 0)
    return emitError() << "YaRN original_max_position must be positive, got "
                       << originalMaxPosition;
  if (!(betaFast > betaSlow && betaSlow > 0.0))
    return emitError() << "YaRN needs beta_fast > beta_slow > 0, got "
                       << betaFast << " and " << betaSlow;
  if (!(mscale >= 0.0 && mscaleAllDim >= 0.0))
    return emitError() << "YaRN mscale and mscale_all_dim must be "
                          "non-negative";
  return success();
}
