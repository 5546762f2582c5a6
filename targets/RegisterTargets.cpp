//===- RegisterTargets.cpp - every target llmc ships ----------------------===//
//
// The one list of targets. A new target adds its folder under targets/, a
// `create<Name>Target()` factory, and a line here.
//
//===----------------------------------------------------------------------===//
#include "llmc/Target/Target.h"
#include "targets/mlir/MLIRTarget.h"

using namespace llmc;

namespace {

/// A target that is part of the plan but not built yet: naming it gives a
/// clear error instead of "unknown target".
class PlannedTarget final : public Target {
public:
  PlannedTarget(llvm::StringRef name, llvm::StringRef description)
      : name(name), description(description) {}
  llvm::StringRef getName() const override { return name; }
  llvm::StringRef getDescription() const override { return description; }
  bool isAvailable() const override { return false; }
  void buildPipeline(mlir::OpPassManager &) const override {}
  mlir::LogicalResult emit(mlir::ModuleOp, llvm::raw_ostream &) const override {
    return mlir::failure();
  }

private:
  std::string name, description;
};

} // namespace

void llmc::registerAllTargets() {
  static bool registered = false;
  if (registered)
    return;
  registered = true;
  registerTarget(createMLIRTarget());
  registerTarget(std::make_unique<PlannedTarget>(
      "npu", "FlatBuffers program for the reference NPU simulator"));
  registerTarget(std::make_unique<PlannedTarget>(
      "arm", "AArch64 code through LLVM"));
}
