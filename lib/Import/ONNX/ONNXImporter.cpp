//===- ONNXImporter.cpp - ONNX models to the llm dialect ------------------===//
#include "llmc/Import/ONNX.h"

#include "GenerationInputs.h"
#include "GraphImporter.h"
#include "MergedDecoder.h"
#include "llmc/Support/WeightsPath.h"
#include "llmc/Executor/Executor.h"
#include "llmc/Reference/Tensor.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <onnx/checker.h>

using namespace mlir;
using namespace llmc;
using namespace llmc::onnximport;

static llvm::Error fail(llvm::StringRef path, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), path + ": " + message);
}

/// Runs ONNX's checker. It reports problems by throwing, so this one
/// function of llmc is compiled with exceptions.
static std::optional<std::string> checkModel(const onnx::ModelProto &model,
                                             llvm::StringRef path) {
  // The checker resolves external data relative to the model's folder only
  // when it loads the model itself.
  bool external = llvm::any_of(model.graph().initializer(), [](const onnx::TensorProto &t) {
    return t.data_location() == onnx::TensorProto::EXTERNAL;
  });
  try {
    if (external)
      onnx::checker::check_model(path.str());
    else
      onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

static int64_t defaultOpset(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &set : model.opset_import())
    if (set.domain().empty() || set.domain() == "ai.onnx")
      return set.version();
  return 0;
}

llvm::Expected<OwningOpRef<ModuleOp>>
llmc::importONNX(MLIRContext *context, llvm::StringRef path,
                 const ONNXImportOptions &options) {
  context->loadDialect<llm::LLMDialect, func::FuncDialect>();
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fail(path, "cannot open: " + buffer.getError().message());
  llvm::StringRef bytes = (*buffer)->getBuffer();
  onnx::ModelProto model;
  if (bytes.size() > size_t(INT32_MAX) ||
      !model.ParseFromArray(bytes.data(), int(bytes.size())))
    return fail(path, "not a valid ONNX model (the protobuf does not parse; "
                      "truncated or not an .onnx file?)");
  if (std::optional<std::string> problem = checkModel(model, path))
    return fail(path, "the ONNX checker rejects the model: " + *problem);
  int64_t opset = defaultOpset(model);
  // Translations follow opsets 13-18; older opsets are accepted where the
  // operators used mean the same (the translations reject the rest).
  if (opset < 7 || opset > 18)
    return fail(path, "opset " + llvm::Twine(opset) + " is not supported (7 to 18)");

  const onnx::GraphProto &graph = model.graph();
  OpBuilder b(context);
  Location loc = FileLineColLoc::get(context, path, 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module->getBody());
  GraphImporter importer(b, llvm::sys::path::parent_path(path).str(), opset,
                         options.maxInlineElements);

  // Arguments: the graph inputs that are neither initializers nor bound.
  llvm::StringSet<> initializers;
  for (const onnx::TensorProto &t : graph.initializer())
    initializers.insert(t.name());
  // A merged decoder's branch condition is bound to its cache branch.
  llvm::StringMap<NpyArray> boundInputs = options.boundInputs;
  {
    llvm::StringSet<> known = initializers;
    for (const auto &bound : boundInputs)
      known.insert(bound.getKey());
    for (const auto &[name, value] : cacheBranchConditions(graph, known)) {
      for (const onnx::ValueInfoProto &input : graph.input()) {
        const onnx::TypeProto_Tensor &t = input.type().tensor_type();
        if (input.name() != name || t.elem_type() != onnx::TensorProto::BOOL)
          continue;
        NpyArray array;
        array.dtype = DType::I1;
        for (const onnx::TensorShapeProto_Dimension &d : t.shape().dim())
          array.shape.push_back(d.has_dim_value() ? d.dim_value() : 1);
        if (array.numElements() == 1) {
          array.bytes.assign(1, char(value));
          boundInputs[name] = std::move(array);
        }
      }
    }
  }
  llvm::SmallVector<Type> argTypes;
  llvm::SmallVector<std::string> argNames;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (initializers.contains(input.name()) || boundInputs.count(input.name()))
      continue;
    const onnx::TypeProto_Tensor &t = input.type().tensor_type();
    if (!input.type().has_tensor_type())
      return fail(path, "graph input '" + input.name() + "' is not a tensor");
    auto element = importer.elementType(t.elem_type());
    if (!element)
      return fail(path, "graph input '" + input.name() + "': " + llvm::toString(element.takeError()));
    llvm::SmallVector<int64_t> shape;
    for (const onnx::TensorShapeProto_Dimension &d : t.shape().dim())
      shape.push_back(d.has_dim_value() ? d.dim_value() : ShapedType::kDynamic);
    argTypes.push_back(RankedTensorType::get(shape, *element));
    argNames.push_back(input.name());
  }
  auto func = b.create<func::FuncOp>(loc, "main", b.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  b.setInsertionPointToEnd(body);
  for (auto [name, arg] : llvm::zip(argNames, body->getArguments()))
    importer.define(name, arg);
  for (const auto &bound : boundInputs) {
    onnx::TensorProto t;
    t.set_name(bound.getKey().str());
    const NpyArray &array = bound.getValue();
    static const std::map<DType, int> onnxTypes = {
        {DType::F32, onnx::TensorProto::FLOAT}, {DType::F16, onnx::TensorProto::FLOAT16},
        {DType::I64, onnx::TensorProto::INT64}, {DType::I32, onnx::TensorProto::INT32},
        {DType::I8, onnx::TensorProto::INT8},   {DType::I1, onnx::TensorProto::BOOL}};
    t.set_data_type(onnxTypes.at(array.dtype));
    for (int64_t d : array.shape)
      t.add_dims(d);
    t.set_raw_data(std::string(array.bytes.begin(), array.bytes.end()));
    if (llvm::Error e = importer.importInitializer(t))
      return fail(path, "bound input '" + bound.getKey() + "': " + llvm::toString(std::move(e)));
  }
  if (llvm::Error e = importer.importNodes(graph))
    return fail(path, llvm::toString(std::move(e)));

  llvm::SmallVector<Value> results;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    auto v = importer.lookup(output.name());
    if (!v)
      return fail(path, "graph output '" + output.name() + "' is never computed");
    results.push_back(*v);
  }
  b.create<func::ReturnOp>(loc, results);
  func.setType(b.getFunctionType(argTypes, ValueRange(results).getTypes()));
  if (options.bindGenerationInputs)
    if (llvm::Error e = bindGenerationInputs(func, argNames))
      return fail(path, llvm::toString(std::move(e)));
  // Large initializers go to the side weights file the module names; it is
  // written once the module verifies.
  std::vector<PendingWeight> &weights = importer.weights();
  std::string file = options.weightsFile;
  if (!weights.empty()) {
    if (file.empty()) {
      llvm::SmallString<256> p(options.outputDirectory.empty() ? "." : options.outputDirectory);
      llvm::sys::path::append(p, llvm::sys::path::stem(path) + ".weights.safetensors");
      file = std::string(p);
    }
    std::string relative = rebasePath(llvm::sys::path::filename(file), llvm::sys::path::parent_path(file),
                                      options.outputDirectory.empty() ? "." : options.outputDirectory);
    (*module)->setAttr(llm::LLMDialect::getWeightsAttrName(), StringAttr::get(context, relative));
  }
  std::string diagnostics;
  {
    ScopedDiagnosticHandler capture(context, [&](Diagnostic &d) {
      diagnostics += (diagnostics.empty() ? "" : "; ") + d.str();
      return success();
    });
    if (failed(verify(*module)))
      return fail(path, "the imported module does not verify: " + diagnostics);
  }

  // Raising recognises transformer ops; canonicalization removes what the
  // import needed only at import time (constants of shapes, folded values).
  // The patterns that must read a parameter (RoPE tables, asked for once
  // per layer) see the initializers still held here, each converted once.
  PassManager pm(context);
  llvm::StringMap<DenseElementsAttr> converted;
  if (options.raise)
    pm.addPass(llm::createRaise([&](llm::WeightOp op) -> DenseElementsAttr {
      auto [it, inserted] = converted.try_emplace(op.getName());
      if (inserted)
        for (const PendingWeight &w : weights)
          if (w.name == op.getName()) {
            ref::Tensor t = ref::Tensor::fromBytes(w.dtype, w.dtype, w.shape, w.bytes.data());
            it->second = exec::attrFromTensor(t, op.getType());
            break;
          }
      return it->second;
    }));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (failed(pm.run(*module)))
    return fail(path, "raising the imported graph failed");

  if (!weights.empty()) {
    std::vector<TensorToWrite> tensors;
    for (const PendingWeight &w : weights)
      tensors.push_back({w.name, w.dtype, w.shape, w.bytes});
    if (llvm::Error e = writeSafeTensors(file, tensors))
      return std::move(e);
  }
  return std::move(module);
}

std::vector<std::string> llmc::supportedONNXOps() { return supportedOpTypes(); }
