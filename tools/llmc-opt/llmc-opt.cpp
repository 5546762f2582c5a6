//===- llmc-opt.cpp - llmc's mlir-opt -------------------------------------===//
//
// Runs any llmc pass or pipeline on an `llm` module: the tool of lit tests
// and of compiler engineers.
//
//===----------------------------------------------------------------------===//
#include "llmc/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  llmc::registerAllPasses();
  mlir::DialectRegistry registry;
  llmc::registerAllDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "llmc optimizer driver: passes on the llm dialect\n",
      registry));
}
