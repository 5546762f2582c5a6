//===- Checkpoint.cpp - Hugging Face checkpoints to the llm dialect -------===//
#include "llmc/Import/Checkpoint.h"

#include "ModelBuilder.h"
#include "llmc/Dialect/LLM/IR/ElementType.h"
#include "llmc/Support/WeightsPath.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace llmc;
using namespace llmc::import;

/// The element type of the stored weights: that of the first float tensor.
static DType storedFloatType(const WeightStore &store) {
  for (const std::string &name : store.names())
    if (const StoredTensor *t = store.lookup(name); t && isFloat(t->dtype))
      return t->dtype;
  return DType::F32;
}

llvm::Expected<OwningOpRef<ModuleOp>>
llmc::importCheckpoint(MLIRContext *context, llvm::StringRef dir,
                       const CheckpointImportOptions &options) {
  context->loadDialect<llm::LLMDialect, func::FuncDialect>();
  llvm::SmallString<256> configPath(dir);
  llvm::sys::path::append(configPath, "config.json");
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> text =
      llvm::MemoryBuffer::getFile(configPath, /*IsText=*/true);
  if (!text)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   configPath + ": cannot open: " +
                                       text.getError().message());
  llvm::Expected<llvm::json::Value> json = llvm::json::parse((*text)->getBuffer());
  if (!json)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   configPath + ": not valid JSON: " +
                                       llvm::toString(json.takeError()));
  const llvm::json::Object *object = json->getAsObject();
  if (!object)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   configPath + ": not a JSON object");
  Config config(*object, std::string(configPath));

  llvm::Expected<std::unique_ptr<WeightStore>> store = WeightStore::open(dir);
  if (!store)
    return store.takeError();

  DType dtype = options.dtype.value_or(storedFloatType(**store));
  Location loc = FileLineColLoc::get(context, configPath, 1, 1);
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  ModelBuilder builder(*module, **store, elementTypeOf(dtype, context));

  llvm::StringRef type = config.string("model_type").value_or("");
  llvm::Error built = llvm::Error::success();
  if (type == "gpt2")
    built = buildGPT2(builder, config);
  else if (type == "llama" || type == "qwen2")
    built = buildLlama(builder, config);
  else if (type == "deepseek_v2" || type == "deepseek_v3")
    built = buildDeepSeek(builder, config);
  else
    built = config.unsupported("model_type \"" + type +
                               "\" (supported: gpt2, llama, qwen2, deepseek_v2, "
                               "deepseek_v3)");
  if (built)
    return std::move(built);

  // The weights path, relative to where the module will be written.
  std::string weights = rebasePath(llvm::sys::path::filename((*store)->getPath()),
                                   llvm::sys::path::parent_path((*store)->getPath()),
                                   options.outputDirectory.empty() ? "."
                                                                   : options.outputDirectory);
  (*module)->setAttr(llm::LLMDialect::getWeightsAttrName(),
                     StringAttr::get(context, weights));
  std::string diagnostics;
  ScopedDiagnosticHandler capture(context, [&](Diagnostic &d) {
    diagnostics += (diagnostics.empty() ? "" : "; ") + d.str();
    return success();
  });
  if (failed(verify(*module)))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   configPath + ": the imported module does not verify: " +
                                       diagnostics);
  return std::move(module);
}
