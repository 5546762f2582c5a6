//===- ProgramABI.cpp - the static programs' typed, verified ABI ----------===//
#include "llmc/Dialect/LLM/IR/ProgramABI.h"

using namespace mlir;
using namespace llmc::llm;

std::string llmc::llm::prefillProgramName(int64_t tokens) {
  return "prefill_" + std::to_string(tokens);
}

std::optional<Phase> llmc::llm::getProgramPhase(Operation *function) {
  if (auto phase = function->getAttrOfType<PhaseAttr>(LLMDialect::getPhaseAttrName()))
    return phase.getValue();
  return std::nullopt;
}

std::optional<int64_t> llmc::llm::getProgramTokens(Operation *function) {
  if (auto tokens = function->getAttrOfType<IntegerAttr>(LLMDialect::getTokensAttrName()))
    return tokens.getInt();
  return std::nullopt;
}

void llmc::llm::setProgram(func::FuncOp function, Phase phase, int64_t tokens) {
  Builder b(function.getContext());
  function->setAttr(LLMDialect::getPhaseAttrName(), PhaseAttr::get(b.getContext(), phase));
  function->setAttr(LLMDialect::getTokensAttrName(), b.getI64IntegerAttr(tokens));
}

std::optional<ArrayRef<int64_t>> llmc::llm::getPrefixIds(func::FuncOp function) {
  if (auto ids = function->getAttrOfType<DenseI64ArrayAttr>(LLMDialect::getPrefixIdsAttrName()))
    return ids.asArrayRef();
  return std::nullopt;
}

void llmc::llm::setPrefixProgram(func::FuncOp function, ArrayRef<int64_t> ids) {
  setProgram(function, Phase::prefix, int64_t(ids.size()));
  function->setAttr(LLMDialect::getPrefixIdsAttrName(),
                    DenseI64ArrayAttr::get(function.getContext(), ids));
}

std::optional<unsigned> llmc::llm::getAliasedArgument(func::FuncOp function, unsigned result) {
  auto argument =
      function.getResultAttrOfType<IntegerAttr>(result, LLMDialect::getAliasesAttrName());
  if (!argument || argument.getInt() < 0)
    return std::nullopt;
  return unsigned(argument.getInt());
}

void llmc::llm::setAliasedArgument(func::FuncOp function, unsigned result, unsigned argument) {
  Builder b(function.getContext());
  function.setResultAttr(result, LLMDialect::getAliasesAttrName(),
                         b.getI64IntegerAttr(int64_t(argument)));
}

/// An integer module attribute, if present.
static std::optional<int64_t> integerAttr(ModuleOp module, StringRef name) {
  if (auto value = module->getAttrOfType<IntegerAttr>(name))
    return value.getInt();
  return std::nullopt;
}

static void setIntegerAttr(ModuleOp module, StringRef name, int64_t value) {
  module->setAttr(name, Builder(module.getContext()).getI64IntegerAttr(value));
}

std::optional<int64_t> llmc::llm::getMaxSeqLen(ModuleOp module) {
  return integerAttr(module, LLMDialect::getMaxSeqLenAttrName());
}

void llmc::llm::setMaxSeqLen(ModuleOp module, int64_t slots) {
  setIntegerAttr(module, LLMDialect::getMaxSeqLenAttrName(), slots);
}

std::optional<int64_t> llmc::llm::getPrefillChunk(ModuleOp module) {
  return integerAttr(module, LLMDialect::getPrefillChunkAttrName());
}

void llmc::llm::setPrefillChunk(ModuleOp module, int64_t tokens) {
  setIntegerAttr(module, LLMDialect::getPrefillChunkAttrName(), tokens);
}

func::FuncOp llmc::llm::lookupPrefixProgram(ModuleOp module) {
  for (auto function : module.getOps<func::FuncOp>())
    if (getProgramPhase(function) == Phase::prefix)
      return function;
  return {};
}

SmallVector<func::FuncOp> StaticPrograms::all() const {
  SmallVector<func::FuncOp> programs{decode};
  for (const auto &entry : prefills)
    programs.push_back(entry.second);
  if (prefix)
    programs.push_back(prefix);
  return programs;
}

SmallVector<int64_t> StaticPrograms::prefillSizes() const {
  SmallVector<int64_t> sizes;
  for (const auto &entry : prefills)
    sizes.push_back(entry.first);
  return sizes;
}

std::optional<StaticPrograms> llmc::llm::lookupStaticPrograms(ModuleOp module) {
  std::optional<int64_t> slots = getMaxSeqLen(module);
  if (!slots)
    return std::nullopt;
  StaticPrograms programs;
  programs.maxSeqLen = *slots;
  programs.prefillChunk = getPrefillChunk(module);
  for (auto function : module.getOps<func::FuncOp>()) {
    std::optional<Phase> phase = getProgramPhase(function);
    std::optional<int64_t> tokens = getProgramTokens(function);
    if (!phase || !tokens)
      continue;
    switch (*phase) {
    case Phase::decode:
      programs.decode = function;
      break;
    case Phase::prefill:
      programs.prefills[*tokens] = function;
      break;
    case Phase::prefix:
      programs.prefix = function;
      programs.prefixTokens = *tokens;
      break;
    }
  }
  if (!programs.decode)
    return std::nullopt;
  return programs;
}
