//===- InterpretedProgram.cpp - an llm module as a runtime Program --------===//
#include "llmc/Executor/InterpretedProgram.h"

#include "llmc/Dialect/LLM/IR/GenerationEntry.h"

using namespace mlir;
using namespace llmc;
using namespace llmc::exec;
using runtime::GenerationABI;

static std::vector<runtime::TensorSpec> specsOf(TypeRange types) {
  std::vector<runtime::TensorSpec> specs;
  for (Type type : types)
    specs.push_back(specOf(cast<RankedTensorType>(type)));
  return specs;
}

std::optional<GenerationABI> exec::describeGeneration(ModuleOp module) {
  GenerationABI abi;
  if (auto prefix = module.lookupSymbol<func::FuncOp>("prefix_cache")) {
    abi.prefix = prefix.getSymName().str();
    if (auto tokens = prefix->getAttrOfType<IntegerAttr>("llm.tokens"))
      abi.prefixTokens = tokens.getInt();
  }
  if (auto slots = module->getAttrOfType<IntegerAttr>("llm.max_seq_len")) {
    abi.form = GenerationABI::Form::Static;
    abi.maxSeqLen = slots.getInt();
    if (auto chunk = module->getAttrOfType<IntegerAttr>("llm.prefill_chunk"))
      abi.prefillChunk = chunk.getInt();
    for (auto f : module.getOps<func::FuncOp>()) {
      auto phase = f->getAttrOfType<StringAttr>("llm.phase");
      auto tokens = f->getAttrOfType<IntegerAttr>("llm.tokens");
      if (phase && tokens && phase.getValue() == "decode") {
        abi.decode = f.getSymName().str();
        abi.caches = specsOf(f.getFunctionType().getInputs().drop_front(3));
      } else if (phase && tokens && phase.getValue() == "prefill") {
        abi.prefills[tokens.getInt()] = f.getSymName().str();
      }
    }
    return abi;
  }
  std::optional<llm::GenerationEntry> entry = llm::lookupGenerationEntry(module);
  if (!entry)
    return std::nullopt;
  abi.form = entry->hasPositions() ? GenerationABI::Form::Forward : GenerationABI::Form::Main;
  abi.entry = entry->function.getSymName().str();
  abi.caches = specsOf(entry->cacheTypes());
  return abi;
}

InterpretedProgram::InterpretedProgram(ModuleOp module, ExecutorOptions options)
    : module(module), executor(module, std::move(options)), abi(describeGeneration(module)) {}

std::optional<std::vector<Tensor>> InterpretedProgram::call(llvm::StringRef name,
                                                            llvm::ArrayRef<Tensor> inputs,
                                                            RunError &error) {
  auto function = module.lookupSymbol<func::FuncOp>(name);
  if (!function) {
    error = {RunError::BadInput, "the module has no function @" + name.str()};
    return std::nullopt;
  }
  return executor.run(function, inputs, error);
}
