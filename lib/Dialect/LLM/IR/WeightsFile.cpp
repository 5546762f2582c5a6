//===- WeightsFile.cpp - the weights file a model module names ------------===//
#include "llmc/Dialect/LLM/IR/WeightsFile.h"

#include "llmc/Dialect/LLM/IR/LLMDialect.h"
#include "llmc/Support/WeightsPath.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace llmc;

std::optional<std::string> llm::resolveWeightsPath(ModuleOp module,
                                                   llvm::StringRef moduleDirectory) {
  auto path = module->getAttrOfType<StringAttr>(LLMDialect::getWeightsAttrName());
  if (!path)
    return std::nullopt;
  llvm::SmallString<256> full(path.getValue());
  if (!llvm::sys::path::is_absolute(full)) {
    full = moduleDirectory;
    llvm::sys::path::append(full, path.getValue());
  }
  return std::string(full);
}

llvm::Expected<std::unique_ptr<WeightStore>> llm::openWeights(ModuleOp module,
                                                              llvm::StringRef moduleDirectory) {
  std::optional<std::string> path = resolveWeightsPath(module, moduleDirectory);
  if (!path)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the module reads weights but names no weights file");
  return WeightStore::open(*path);
}

void llm::rebaseWeightsPath(ModuleOp module, llvm::StringRef inputFile,
                            llvm::StringRef outputFile) {
  StringRef name = LLMDialect::getWeightsAttrName();
  auto path = module->getAttrOfType<StringAttr>(name);
  if (!path)
    return;
  auto dirOf = [](StringRef file) {
    return file == "-" ? StringRef(".") : llvm::sys::path::parent_path(file);
  };
  module->setAttr(name, StringAttr::get(module.getContext(),
                                        rebasePath(path.getValue(), dirOf(inputFile),
                                                   dirOf(outputFile))));
}
