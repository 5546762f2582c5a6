//===- WeightsFile.cpp - the weights file a model module names ------------===//
#include "llmc/Dialect/LLM/IR/WeightsFile.h"

#include "llmc/Dialect/LLM/IR/LLMDialect.h"
#include "llmc/Support/WeightsPath.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace llmc;
using llmc::llm::LLMDialect;

std::vector<std::string> llm::weightsFileNames(ModuleOp module) {
  Attribute attr = module->getAttr(LLMDialect::getWeightsAttrName());
  std::vector<std::string> paths;
  if (auto one = dyn_cast_or_null<StringAttr>(attr))
    paths.push_back(one.getValue().str());
  else if (auto list = dyn_cast_or_null<ArrayAttr>(attr))
    for (Attribute a : list)
      if (auto path = dyn_cast<StringAttr>(a))
        paths.push_back(path.getValue().str());
  return paths;
}

static void setPaths(ModuleOp module, llvm::ArrayRef<std::string> paths) {
  MLIRContext *ctx = module.getContext();
  Attribute value;
  if (paths.size() == 1) {
    value = StringAttr::get(ctx, paths.front());
  } else {
    SmallVector<Attribute> list;
    for (const std::string &p : paths)
      list.push_back(StringAttr::get(ctx, p));
    value = ArrayAttr::get(ctx, list);
  }
  module->setAttr(LLMDialect::getWeightsAttrName(), value);
}

std::vector<std::string> llm::resolveWeightsPaths(ModuleOp module,
                                                  llvm::StringRef moduleDirectory) {
  std::vector<std::string> resolved;
  for (const std::string &path : weightsFileNames(module)) {
    llvm::SmallString<256> full(path);
    if (!llvm::sys::path::is_absolute(full)) {
      full = moduleDirectory;
      llvm::sys::path::append(full, path);
    }
    resolved.push_back(std::string(full));
  }
  return resolved;
}

llvm::Expected<std::unique_ptr<WeightStore>> llm::openWeights(ModuleOp module,
                                                              llvm::StringRef moduleDirectory) {
  std::vector<std::string> paths = resolveWeightsPaths(module, moduleDirectory);
  if (paths.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the module reads weights but names no weights file");
  return WeightStore::openAll(paths);
}

std::unique_ptr<WeightStore> llm::openWeightsIfAny(ModuleOp module,
                                                   llvm::StringRef moduleDirectory,
                                                   std::string &note) {
  if (resolveWeightsPaths(module, moduleDirectory).empty()) {
    note = "no weights file";
    return nullptr;
  }
  llvm::Expected<std::unique_ptr<WeightStore>> store = openWeights(module, moduleDirectory);
  if (!store) {
    note = "weights not read: " + llvm::toString(store.takeError());
    return nullptr;
  }
  note = "weights read";
  return std::move(*store);
}

void llm::addWeightsFile(ModuleOp module, llvm::StringRef path) {
  std::vector<std::string> paths = weightsFileNames(module);
  if (!llvm::is_contained(paths, path.str()))
    paths.push_back(path.str());
  setPaths(module, paths);
}

void llm::rebaseWeightsPath(ModuleOp module, llvm::StringRef inputFile,
                            llvm::StringRef outputFile) {
  std::vector<std::string> paths = weightsFileNames(module);
  if (paths.empty())
    return;
  auto dirOf = [](StringRef file) {
    return file == "-" ? StringRef(".") : llvm::sys::path::parent_path(file);
  };
  for (std::string &path : paths)
    path = rebasePath(path, dirOf(inputFile), dirOf(outputFile));
  setPaths(module, paths);
}
