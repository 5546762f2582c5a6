//===- InterpretedProgram.cpp - an llm module as a runtime Program --------===//
#include "llmc/Executor/InterpretedProgram.h"

#include "llmc/Dialect/LLM/IR/GenerationEntry.h"
#include "llmc/Dialect/LLM/IR/ProgramABI.h"

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
  // A baked prefix, in a dynamic module as in a static one.
  if (func::FuncOp prefix = llm::lookupPrefixProgram(module)) {
    abi.prefix = prefix.getSymName().str();
    abi.prefixTokens = llm::getProgramTokens(prefix).value_or(0);
  }
  if (llm::isStaticModule(module)) {
    abi.form = GenerationABI::Form::Static;
    // Without a decode program (which a verified module has), the runtime
    // reports that there is none.
    std::optional<llm::StaticPrograms> programs = llm::lookupStaticPrograms(module);
    if (!programs)
      return abi;
    abi.maxSeqLen = programs->maxSeqLen;
    abi.prefillChunk = programs->prefillChunk;
    abi.decode = programs->decode.getSymName().str();
    for (auto &[tokens, program] : programs->prefills)
      abi.prefills[tokens] = program.getSymName().str();
    abi.caches = specsOf(programs->cacheTypes());
    return abi;
  }
  std::optional<llm::GenerationEntry> entry = llm::lookupGenerationEntry(module);
  if (!entry)
    return std::nullopt;
  abi.form = entry->hasPositions() ? GenerationABI::Form::Forward : GenerationABI::Form::Main;
  abi.entry = entry->function.getSymName().str();
  abi.caches = specsOf(entry->cacheTypes());
  for (unsigned i = 0; i < entry->numCaches(); ++i)
    abi.caches[i].sequenceAxis = entry->cacheSequenceAxis(i).value_or(2);
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
