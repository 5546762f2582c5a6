//===- MLIRTarget.cpp - the `mlir` target ---------------------------------===//
#include "targets/mlir/MLIRTarget.h"

#include "mlir/IR/Verifier.h"
#include "mlir/Transforms/Passes.h"

using namespace llmc;

namespace {

class MLIRTarget final : public Target {
public:
  llvm::StringRef getName() const override { return "mlir"; }
  llvm::StringRef getDescription() const override {
    return "the llm-dialect module after the target-independent passes";
  }
  void buildPipeline(mlir::OpPassManager &pm) const override {
    pm.addPass(mlir::createCanonicalizerPass());
    pm.addPass(mlir::createCSEPass());
  }
  mlir::LogicalResult emit(mlir::ModuleOp module,
                           llvm::raw_ostream &os) const override {
    module->print(os);
    os << "\n";
    return mlir::success();
  }
};

} // namespace

std::unique_ptr<Target> llmc::createMLIRTarget() {
  return std::make_unique<MLIRTarget>();
}
