//===- CheckOps.cpp - assertions for op specifications --------------------===//
#include "llmc/Dialect/Check/IR/CheckOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace llmc::check;

#include "llmc/Dialect/Check/IR/CheckDialect.cpp.inc"

void CheckDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "llmc/Dialect/Check/IR/CheckOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "llmc/Dialect/Check/IR/CheckOps.cpp.inc"
