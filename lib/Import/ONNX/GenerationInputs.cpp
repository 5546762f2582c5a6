//===- GenerationInputs.cpp - HF's attention_mask and position_ids --------===//
#include "GenerationInputs.h"

#include "llmc/Dialect/LLM/IR/GenerationEntry.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include "llvm/ADT/BitVector.h"

using namespace mlir;
using namespace llmc;

namespace {

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

RankedTensorType scalarI64(MLIRContext *ctx) {
  return RankedTensorType::get({}, IntegerType::get(ctx, 64));
}

Value constantI64(OpBuilder &b, Location loc, int64_t value) {
  return b.create<llm::ConstantOp>(
      loc, DenseElementsAttr::get(scalarI64(b.getContext()), b.getI64IntegerAttr(value).getValue()));
}

/// The shape vector [rows, columns] of two i64 scalars.
Value shapeOf(OpBuilder &b, Location loc, Value rows, Value columns) {
  auto one = RankedTensorType::get({1}, b.getI64Type());
  return b.create<llm::ConcatOp>(loc, RankedTensorType::get({2}, b.getI64Type()),
                                 ValueRange{b.create<llm::ReshapeOp>(loc, one, rows, Value()),
                                            b.create<llm::ReshapeOp>(loc, one, columns, Value())},
                                 0);
}

/// The past length P: the size of the first past cache along the axis the
/// graph appends to it; 0 for a graph without past caches (a prefill).
/// Null when float inputs shaped like caches (rank 3 or more, a dynamic
/// axis) are read but none is appended to: P is then not known, and
/// guessing 0 would give every step the first positions.
Value pastLength(OpBuilder &b, Location loc, func::FuncOp main) {
  bool cacheLike = false;
  for (BlockArgument arg : main.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !isa<FloatType>(type.getElementType()))
      continue;
    // (Caches the graph does not read, as in a merged decoder's prefill
    // branch, are an empty past.)
    cacheLike |= type.getRank() >= 3 && !type.hasStaticShape() && !arg.use_empty();
    for (Operation *user : arg.getUsers())
      if (std::optional<int64_t> axis = llm::cacheAppendAxis(user, arg))
        return b.create<llm::DimOp>(loc, scalarI64(b.getContext()), arg, *axis);
  }
  if (cacheLike)
    return nullptr;
  return constantI64(b, loc, 0);
}

} // namespace

llvm::Error llmc::bindGenerationInputs(func::FuncOp main, llvm::ArrayRef<std::string> argNames) {
  auto indexOf = [&](llvm::StringRef name) -> std::optional<unsigned> {
    for (auto [i, n] : llvm::enumerate(argNames))
      if (n == name)
        return unsigned(i);
    return std::nullopt;
  };
  std::optional<unsigned> mask = indexOf(kAttentionMask), positions = indexOf(kPositionIds);
  if (!mask && !positions)
    return llvm::Error::success();
  std::optional<unsigned> ids = indexOf("input_ids");
  if (!ids)
    for (auto [i, arg] : llvm::enumerate(main.getArguments())) {
      auto type = dyn_cast<RankedTensorType>(arg.getType());
      if (type && type.getRank() == 2 && isa<IntegerType>(type.getElementType()) &&
          i != mask && i != positions) {
        ids = i;
        break;
      }
    }
  if (!ids)
    return error("the graph takes attention_mask or position_ids but no input_ids [B, S] (an "
                 "integer [B, S] input) to bind them from");

  Block &body = main.getBody().front();
  OpBuilder b(main.getContext());
  b.setInsertionPointToStart(&body);
  Location loc = main.getLoc();
  Value idsArg = main.getArgument(*ids);
  MLIRContext *ctx = main.getContext();
  Value batch = b.create<llm::DimOp>(loc, scalarI64(ctx), idsArg, 0);
  Value tokens = b.create<llm::DimOp>(loc, scalarI64(ctx), idsArg, 1);
  Value past = pastLength(b, loc, main);
  if (!past)
    return error("the graph takes attention_mask or position_ids and float inputs shaped like "
                 "past caches, but appends to none of them (concat(past, new) or kv_append): "
                 "the past length they are bound from is not known");

  llvm::BitVector erase(main.getNumArguments());
  if (mask) {
    BlockArgument arg = main.getArgument(*mask);
    auto type = cast<RankedTensorType>(arg.getType());
    if (type.getRank() != 2)
      return error("graph input attention_mask must be [batch, past + sequence length], not rank " +
                   llvm::Twine(type.getRank()));
    // All ones over the P + S tokens.
    auto oneType = RankedTensorType::get({}, type.getElementType());
    Attribute one = isa<FloatType>(type.getElementType())
                        ? Attribute(FloatAttr::get(type.getElementType(), 1.0))
                        : Attribute(IntegerAttr::get(type.getElementType(), 1));
    Value ones = b.create<llm::ConstantOp>(loc, DenseElementsAttr::get(oneType, one));
    Value total = b.create<llm::AddOp>(loc, past, tokens);
    arg.replaceAllUsesWith(
        b.create<llm::BroadcastToOp>(loc, type, ones, shapeOf(b, loc, batch, total)));
    erase.set(*mask);
  }
  if (positions) {
    BlockArgument arg = main.getArgument(*positions);
    auto type = cast<RankedTensorType>(arg.getType());
    if (type.getRank() != 2 || !isa<IntegerType>(type.getElementType()))
      return error("graph input position_ids must be an integer [batch, sequence length]");
    // P .. P + S - 1 in each row.
    auto i64 = b.getI64Type();
    Value iota = b.create<llm::IotaOp>(loc, RankedTensorType::get({ShapedType::kDynamic}, i64), tokens);
    Value shifted = b.create<llm::AddOp>(loc, iota.getType(), iota, past);
    Value row = b.create<llm::ReshapeOp>(
        loc, RankedTensorType::get({1, ShapedType::kDynamic}, i64), shifted, Value());
    // One row, or one per sequence of the batch.
    bool oneRow = type.getDimSize(0) == 1;
    Value shape = shapeOf(b, loc, oneRow ? constantI64(b, loc, 1) : batch, tokens);
    Value rows = row;
    if (!oneRow)
      rows = b.create<llm::BroadcastToOp>(
          loc, RankedTensorType::get({type.getDimSize(0), ShapedType::kDynamic}, i64), row, shape);
    if (type.getElementType() != i64)
      rows = b.create<llm::CastOp>(
          loc, RankedTensorType::get(cast<RankedTensorType>(rows.getType()).getShape(),
                                     type.getElementType()),
          rows);
    if (rows.getType() != arg.getType()) // static sizes (a static export)
      rows = b.create<llm::ReshapeOp>(loc, arg.getType(), rows, shape);
    arg.replaceAllUsesWith(rows);
    erase.set(*positions);
  }
  main.eraseArguments(erase);
  return llvm::Error::success();
}
