//===- GraphImporter.h - ONNX graphs to llm ops -----------------*- C++ -*-===//
//
// Private to the ONNX importer. GraphImporter walks an ONNX graph in order,
// keeps the MLIR value of every ONNX value name, and translates each node
// with the function registered for its op type (ONNXOps.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_IMPORT_ONNX_GRAPHIMPORTER_H
#define LLMC_LIB_IMPORT_ONNX_GRAPHIMPORTER_H

#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Reference/Tensor.h"
#include "llmc/Support/SafeTensors.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>
#include <vector>

namespace llmc::onnximport {

/// Initializers that go to the side weights file.
struct PendingWeight {
  std::string name;
  DType dtype;
  llvm::SmallVector<int64_t> shape;
  std::vector<char> bytes;
};

class GraphImporter {
public:
  GraphImporter(mlir::OpBuilder &builder, std::string modelDirectory,
                int64_t opset, int64_t maxInlineElements)
      : b(builder), modelDirectory(std::move(modelDirectory)), opset(opset),
        maxInlineElements(maxInlineElements) {}

  /// Translates the nodes of `graph` (a subgraph sees the outer values).
  llvm::Error importNodes(const onnx::GraphProto &graph);
  /// Makes an initializer (or bound input) a value.
  llvm::Error importInitializer(const onnx::TensorProto &tensor);

  void define(const std::string &name, mlir::Value value) { values[name] = value; }
  /// The value of ONNX name `name`, or an error naming the node.
  llvm::Expected<mlir::Value> lookup(const std::string &name) const;
  bool isDefined(const std::string &name) const { return values.count(name); }

  std::vector<PendingWeight> &weights() { return pendingWeights; }

  // Helpers for the op translations.
  mlir::OpBuilder &builder() { return b; }
  mlir::Location loc() const { return location; }
  int64_t getOpset() const { return opset; }
  const onnx::NodeProto &node() const { return *current; }
  llvm::Error error(const llvm::Twine &message) const;

  /// Input `i` of the current node (an error if absent and required).
  llvm::Expected<mlir::Value> input(int i);
  bool hasInput(int i) const;
  /// The values of input `i`, which must be known at import time; the
  /// error names the input and, if given, its `role` ("axes", ...).
  llvm::Expected<ref::Tensor> constantInput(int i, llvm::StringRef role = {});
  /// Integer values of input `i`, known at import time.
  llvm::Expected<std::vector<int64_t>> intsInput(int i, llvm::StringRef role = {});

  const onnx::AttributeProto *attribute(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t fallback) const;
  float floatAttr(llvm::StringRef name, float fallback) const;
  std::optional<std::vector<int64_t>> intsAttr(llvm::StringRef name) const;

  /// Defines output `i` of the current node; folds it if its inputs are
  /// constants.
  llvm::Error setOutput(int i, mlir::Value value);
  int numOutputs() const { return current->output_size(); }

  /// A dense constant of the given type and values.
  mlir::Value constant(const ref::Tensor &tensor, mlir::Type elementType);
  mlir::Value scalarLike(mlir::Value like, double value);
  /// The constant values of `value`, if it is an llm.constant.
  std::optional<ref::Tensor> constantValue(mlir::Value value) const;

  /// Converts an ONNX tensor to values (and its MLIR element type).
  llvm::Expected<ref::Tensor> tensorValues(const onnx::TensorProto &tensor);
  llvm::Expected<mlir::Type> elementType(int32_t onnxType) const;

private:
  llvm::Error importNode(const onnx::NodeProto &node);
  /// Replaces `value` by a constant if its defining op has only constant
  /// operands (evaluated by the reference executor).
  mlir::Value fold(mlir::Value value);

  mlir::OpBuilder &b;
  mlir::Location location = b.getUnknownLoc();
  std::string modelDirectory;
  int64_t opset;
  int64_t maxInlineElements;
  llvm::StringMap<mlir::Value> values;
  const onnx::NodeProto *current = nullptr;
  std::vector<PendingWeight> pendingWeights;
};

/// Translates the current node of `importer`; registered per op type.
using NodeTranslation = llvm::Error (*)(GraphImporter &importer);
/// The translation of `opType`, or null.
NodeTranslation lookupTranslation(llvm::StringRef opType);
/// Every supported op type, sorted.
std::vector<std::string> supportedOpTypes();

} // namespace llmc::onnximport

#endif // LLMC_LIB_IMPORT_ONNX_GRAPHIMPORTER_H
