//===- StaticShapes.cpp - the llm-static-shapes pass ----------------------===//
//
// Clones the dynamic entry point (@forward, or an imported graph's @main)
// once per static program (decode, and one prefill per bucket / chunk size)
// with static argument types, then in each clone: positions come from the
// `position` scalar (@main's past length, llm.dim %past[2], is that
// scalar), kv_append becomes an in-place cache_update, attention over the
// whole cache gets the mask of the position and length scalars, the LM head
// runs for the last real token only, and every type is recomputed, folding
// an imported graph's shape arithmetic (ShapeRefinement).
//
//===----------------------------------------------------------------------===//
#include "FlopCount.h"
#include "LatentAttentionForms.h"
#include "ShapeRefinement.h"
#include "StaticShapeStats.h"
#include "llmc/Dialect/LLM/IR/GenerationEntry.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/IR/ProgramABI.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"

#include <map>
#include <set>

namespace llmc::llm {
#define GEN_PASS_DEF_STATICSHAPES
#include "llmc/Dialect/LLM/Transforms/Passes.h.inc"
} // namespace llmc::llm

using namespace mlir;
using namespace llmc::llm;

namespace {

RankedTensorType i64Tensor(ArrayRef<int64_t> shape, MLIRContext *ctx) {
  return RankedTensorType::get(shape, IntegerType::get(ctx, 64));
}

Value i64Constant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, ArrayRef<int64_t> values) {
  auto type = i64Tensor(shape, b.getContext());
  return b.create<ConstantOp>(loc, DenseElementsAttr::get(type, values));
}

/// The program's scalar inputs and the values built from them once.
struct ProgramScalars {
  Value position, length;
  Value positions; ///< [B, N]: position + 0..N-1
  Value allowed;   ///< [N, M] i1: slot j <= position + min(i, length - 1)
  Value written;   ///< [1, M] i1: slot j < position + length (the real keys)
  Value lastRow;   ///< [1]: length - 1
};

ProgramScalars buildScalars(OpBuilder &b, Location loc, Value position, Value length,
                            int64_t batch, int64_t tokens, int64_t slots) {
  MLIRContext *ctx = b.getContext();
  ProgramScalars s{position, length, {}, {}, {}, {}};
  Value one = i64Constant(b, loc, {}, {1});
  SmallVector<int64_t> offsets;
  for (int64_t i = 0; i < tokens; ++i)
    offsets.push_back(i);
  Value rows = i64Constant(b, loc, {tokens}, offsets);
  Value rowPositions = b.create<AddOp>(loc, rows, position);
  Value positions = b.create<ReshapeOp>(loc, i64Tensor({1, tokens}, ctx), rowPositions, Value());
  s.positions = batch == 1 ? positions
                           : b.create<BroadcastToOp>(loc, i64Tensor({batch, tokens}, ctx),
                                                     positions, Value());
  // A padding row (i >= length) attends like the last real token.
  Value last = b.create<SubOp>(loc, length, one);
  Value clamped = b.create<MinimumOp>(loc, rows, last);
  Value seen = b.create<AddOp>(loc, clamped, position);
  Value seenColumn = b.create<ReshapeOp>(loc, i64Tensor({tokens, 1}, ctx), seen, Value());
  SmallVector<int64_t> slotIndices;
  for (int64_t j = 0; j < slots; ++j)
    slotIndices.push_back(j);
  Value slotRow = i64Constant(b, loc, {1, slots}, slotIndices);
  s.allowed = b.create<CompareOp>(loc, CompareDirectionAttr::get(ctx, CompareDirection::le),
                                  slotRow, seenColumn);
  s.lastRow = b.create<ReshapeOp>(loc, i64Tensor({1}, ctx), last, Value());
  s.written = b.create<CompareOp>(loc, CompareDirectionAttr::get(ctx, CompareDirection::lt),
                                  slotRow, b.create<AddOp>(loc, position, length));
  return s;
}

/// @decode, or @prefill_<tokens>.
std::string programName(Phase phase, int64_t tokens) {
  return phase == Phase::decode ? kDecodeProgramName.str() : prefillProgramName(tokens);
}

/// How a past cache of the entry point is laid out, and the program's
/// cache argument that holds it: `[B, X..., P, Y...]` with the sequence axis
/// found from the graph (where it is appended to), kept as
/// `[B, prod(X), M, prod(Y)]` (the same elements in the same order, so a
/// reshape views one as the other).
struct CacheLayout {
  int64_t seqAxis = 2;
  SmallVector<int64_t> shape; ///< the entry's, with B and P dynamic
  int64_t heads = 1, width = 1;

  /// The entry's own `[B, H, P, D]` form: its argument is the cache.
  bool isCanonical() const { return shape.size() == 4 && seqAxis == 2; }
  /// The entry's shape with `batch` and `slots`.
  SmallVector<int64_t> sized(int64_t batch, int64_t slots) const {
    SmallVector<int64_t> sizes(shape);
    sizes[0] = batch;
    sizes[seqAxis] = slots;
    return sizes;
  }
};

struct StaticShapesPass : public llmc::llm::impl::StaticShapesBase<StaticShapesPass> {
  using StaticShapesBase::StaticShapesBase;

  /// The dynamic entry point the programs are cloned from.
  GenerationEntry entry;
  /// Its past caches' layouts, in order.
  SmallVector<CacheLayout> layouts;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::optional<GenerationEntry> entry = lookupGenerationEntry(module);
    if (!entry) {
      auto main = module.lookupSymbol<func::FuncOp>("main");
      if (auto forward = module.lookupSymbol<func::FuncOp>("forward"))
        forward.emitError("@forward must take ids [B, S], positions [B, S] and the past "
                          "caches, and return the logits [B, S, V] and one cache per past "
                          "cache");
      else if (main && main.getNumArguments() == 1 && main.getNumResults() > 1)
        emitError(main.getLoc(), "this graph takes no past caches: it is a prefill-only graph, the "
                       "first half of a two-graph export, and has no decode step; give its "
                       "decode graph too (llmc prefill.onnx decode.onnx), or export the "
                       "generation graph (ids and past caches in)");
      else
        emitError(module.getLoc(),
                  "llm-static-shapes needs a dynamic @forward, or an imported @main (see the "
                  "llm dialect's \"Model modules and inference phases\")");
      return signalPassFailure();
    }
    this->entry = *entry;
    if (maxSeqLen <= 0 || batch <= 0 || prefillChunk < 0) {
      emitError(module.getLoc(), "llm-static-shapes needs max-seq-len > 0, batch > 0 and prefill-chunk >= 0");
      return signalPassFailure();
    }
    if (mlaForm != "auto" && mlaForm != "naive" && mlaForm != "absorbed") {
      emitError(module.getLoc()) << "mla-form must be naive, absorbed or auto, not '" << mlaForm << "'";
      return signalPassFailure();
    }
    std::set<int64_t> prefillLengths(prefillBuckets.begin(), prefillBuckets.end());
    if (prefillChunk > 0)
      prefillLengths.insert(prefillChunk);
    for (int64_t n : prefillLengths)
      if (n <= 0 || n > maxSeqLen) {
        emitError(module.getLoc()) << "a prefill length of " << n << " is not in [1, max-seq-len = "
                           << int64_t(maxSeqLen) << "]";
        return signalPassFailure();
      }
    if (failed(checkEntry()))
      return signalPassFailure();
    OpBuilder b(module.getBodyRegion());
    b.setInsertionPoint(entry->function);
    if (failed(buildProgram(b, Phase::decode, 1)))
      return signalPassFailure();
    for (int64_t n : prefillLengths)
      if (failed(buildProgram(b, Phase::prefill, n)))
        return signalPassFailure();
    if (!statsPromptLengths.empty() && failed(printStats(b)))
      return signalPassFailure();
    if (func::FuncOp prefix = lookupPrefixProgram(module))
      if (failed(lowerPrefixCache(prefix)))
        return signalPassFailure();
    entry->function.erase();
    setMaxSeqLen(module, maxSeqLen);
    if (prefillChunk > 0)
      setPrefillChunk(module, prefillChunk);
  }

  /// The caches of the entry point are [B, H, P, D] with static H and D,
  /// appended to by llm.kv_append (and, in @main, read for their sizes by
  /// llm.dim); a learned position table has max-seq-len rows.
  LogicalResult checkEntry() {
    func::FuncOp function = entry.function;
    if (function.getBody().getBlocks().size() != 1)
      return function.emitError("the entry point must be a single block");
    // A learned position table (GPT-2's wpe) has a row per position: an
    // embedding not indexed by the ids.
    WalkResult tables = function.walk([&](EmbeddingOp embedding) {
      if (embedding.getIds() == entry.ids())
        return WalkResult::advance();
      int64_t rows = cast<RankedTensorType>(embedding.getTable().getType()).getDimSize(0);
      if (ShapedType::isDynamic(rows) || rows >= maxSeqLen)
        return WalkResult::advance();
      embedding.emitError() << "max-seq-len = " << int64_t(maxSeqLen) << " needs positions up to "
                            << int64_t(maxSeqLen) - 1 << ", but this position table has " << rows
                            << " rows";
      return WalkResult::interrupt();
    });
    if (tables.wasInterrupted())
      return failure();
    layouts.clear();
    for (unsigned i = 0; i < entry.numCaches(); ++i) {
      auto cache = dyn_cast<RankedTensorType>(entry.cacheTypes()[i]);
      if (!cache || cache.getRank() < 2 || !isa<FloatType>(cache.getElementType()))
        return function.emitError() << "past cache #" << i
                                    << " must be a float tensor [B, ..., P, ...]";
      for (Operation *user : entry.cache(i).getUsers()) {
        if (cacheAppendAxis(user, entry.cache(i)) || isa<DimOp>(user))
          continue;
        return user->emitError() << "past cache #" << i
                                 << " is used other than by llm.kv_append, an append (concat "
                                    "after it) or llm.dim; a static program cannot lower it";
      }
      // The sequence axis is where the graph appends to the cache.
      std::optional<int64_t> axis = entry.cacheSequenceAxis(i);
      if (!axis || *axis == 0)
        return function.emitError() << "past cache #" << i
                                    << " is never appended to, or along more than one axis or "
                                       "the batch; its sequence axis is not known";
      if (!cache.isDynamicDim(0) && cache.getDimSize(0) != batch)
        return function.emitError() << "past cache #" << i << " holds a batch of "
                                    << cache.getDimSize(0) << "; batch = " << int64_t(batch)
                                    << " does not fit it (the model was built for that batch)";
      CacheLayout layout;
      layout.seqAxis = *axis;
      layout.shape.assign(cache.getShape().begin(), cache.getShape().end());
      for (int64_t d = 1; d < cache.getRank(); ++d) {
        if (d == layout.seqAxis)
          continue;
        if (cache.isDynamicDim(d))
          return function.emitError() << "past cache #" << i << " must be static but for its "
                                      << "batch and sequence axes, not " << cache;
        (d < layout.seqAxis ? layout.heads : layout.width) *= cache.getDimSize(d);
      }
      layouts.push_back(layout);
    }
    return success();
  }

  /// @decode (phase decode, 1 token) or @prefill_<tokens>, with the
  /// argument and result layout of ProgramABI.h; `name` overrides the
  /// symbol (a scratch program of the stats report).
  FailureOr<func::FuncOp> buildProgram(OpBuilder &b, Phase phase,
                                       int64_t tokens, StringRef name = {}) {
    MLIRContext *ctx = b.getContext();
    func::FuncOp source = entry.function;
    Location loc = source.getLoc();
    unsigned caches = entry.numCaches();
    auto ids = cast<RankedTensorType>(entry.ids().getType());
    SmallVector<Type> inputs{RankedTensorType::get({batch, tokens}, ids.getElementType()),
                             i64Tensor({}, ctx), i64Tensor({}, ctx)};
    for (unsigned i = 0; i < caches; ++i) {
      auto cache = cast<RankedTensorType>(entry.cacheTypes()[i]);
      inputs.push_back(RankedTensorType::get({batch, layouts[i].heads, maxSeqLen, layouts[i].width},
                                             cache.getElementType()));
    }
    std::string symbol = !name.empty() ? name.str() : programName(phase, tokens);
    auto program = b.create<func::FuncOp>(loc, symbol, FunctionType::get(ctx, inputs, {}));
    setProgram(program, phase, tokens);
    Block *body = program.addEntryBlock();
    OpBuilder pb = OpBuilder::atBlockBegin(body);
    ProgramScalars scalars =
        buildScalars(pb, loc, body->getArgument(kPositionArgument),
                     body->getArgument(kLengthArgument), batch, tokens, maxSeqLen);
    IRMapping mapping;
    mapping.map(entry.ids(), body->getArgument(kIdsArgument));
    if (entry.hasPositions())
      mapping.map(entry.positions(), scalars.positions);
    // A cache in another layout is read through a view of the argument
    // in the entry's shape; its appends write the argument in place.
    llvm::DenseMap<Value, Value> canonicalOfView;
    llvm::DenseMap<Value, Type> writtenTypes;
    for (unsigned i = 0; i < caches; ++i) {
      Value arg = body->getArgument(kFirstCacheArgument + i);
      if (layouts[i].isCanonical()) {
        mapping.map(entry.cache(i), arg);
        continue;
      }
      auto element = cast<RankedTensorType>(arg.getType()).getElementType();
      Value view = pb.create<ReshapeOp>(
          loc, RankedTensorType::get(layouts[i].sized(batch, maxSeqLen), element), arg);
      mapping.map(entry.cache(i), view);
      writtenTypes[view] = entry.cache(i).getType();
    }
    auto pastIndex = [&](Value v) -> std::optional<unsigned> {
      for (unsigned i = 0; i < caches; ++i)
        if (entry.cache(i) == v)
          return i;
      return std::nullopt;
    };
    for (Operation &op : source.getBody().front()) {
      if (auto dim = dyn_cast<DimOp>(op)) {
        // The length of a past cache (along its sequence axis) is the
        // position; of a [B, H, P, D] present one (after kv_append), the
        // position plus the program's tokens. (A present cache in another
        // layout is a padded view, whose length the padder knows.)
        Value cache = dim.getInput();
        if (std::optional<unsigned> i = pastIndex(cache);
            i && int64_t(dim.getDim()) == layouts[*i].seqAxis) {
          mapping.map(dim.getResult(), scalars.position);
          continue;
        }
        if (dim.getDim() == 2 && cache.getDefiningOp<KVAppendOp>()) {
          mapping.map(dim.getResult(),
                      pb.create<AddOp>(dim.getLoc(), scalars.position,
                                       i64Constant(pb, dim.getLoc(), {}, {tokens})));
          continue;
        }
      }
      if (auto concat = dyn_cast<ConcatOp>(op)) {
        std::optional<unsigned> i =
            concat.getInputs().size() == 2 ? pastIndex(concat.getInputs()[0]) : std::nullopt;
        if (i) {
          // An append (not raised to kv_append): the update, viewed as
          // [B, H, N, D], written at the position in place; the result
          // viewed back in the entry's layout.
          const CacheLayout &layout = layouts[*i];
          Value arg = body->getArgument(kFirstCacheArgument + *i);
          auto argType = cast<RankedTensorType>(arg.getType());
          Value update = mapping.lookup(concat.getInputs()[1]);
          if (!layout.isCanonical()) {
            auto updateType = cast<RankedTensorType>(update.getType());
            SmallVector<int64_t> updateShape{updateType.getDimSize(0), layout.heads,
                                             updateType.getDimSize(layout.seqAxis), layout.width};
            update = pb.create<ReshapeOp>(
                concat.getLoc(), RankedTensorType::get(updateShape, argType.getElementType()),
                update);
          }
          Value written = pb.create<CacheUpdateOp>(concat.getLoc(), arg, update,
                                                   scalars.position, scalars.length);
          Value present = written;
          if (!layout.isCanonical()) {
            present = pb.create<ReshapeOp>(
                concat.getLoc(),
                RankedTensorType::get(layout.sized(batch, maxSeqLen), argType.getElementType()),
                written);
            canonicalOfView[present] = written;
          }
          writtenTypes[present] = concat.getType();
          mapping.map(concat.getResult(), present);
          continue;
        }
      }
      if (auto append = dyn_cast<KVAppendOp>(op)) {
        // The cache argument updated in place.
        Value cache = mapping.lookup(append.getCache());
        Value updated = pb.create<CacheUpdateOp>(append.getLoc(), cache,
                                                 mapping.lookup(append.getUpdate()),
                                                 scalars.position, scalars.length);
        mapping.map(append.getResult(), updated);
        // It stands for the growing cache: a reshape without a shape
        // (repeat_kv's unsqueeze) passes its dynamic dimensions through.
        writtenTypes[updated] = append.getType();
        continue;
      }
      if (auto attention = dyn_cast<AttentionOp>(op)) {
        if (failed(lowerAttention(pb, attention, mapping, scalars)))
          return failure();
        continue;
      }
      if (auto latent = dyn_cast<MLAAttentionOp>(op)) {
        if (!latent.getCausal() || latent.getMask())
          return latent.emitError("only causal latent attention has a static form here");
        Value o = pb.create<MLAAttentionOp>(
            latent.getLoc(), mapping.lookup(latent.getQueryNope()),
            mapping.lookup(latent.getQueryRope()), mapping.lookup(latent.getLatent()),
            mapping.lookup(latent.getKeyRope()), mapping.lookup(latent.getKvUpWeight()),
            scalars.allowed, latent.getScaleAttr(), nullptr);
        mapping.map(latent.getResult(), o);
        continue;
      }
      if (auto ret = dyn_cast<func::ReturnOp>(op)) {
        SmallVector<Value> results;
        for (Value v : ret.getOperands()) {
          Value result = mapping.lookup(v);
          results.push_back(canonicalOfView.lookup(result) ? canonicalOfView.lookup(result) : result);
        }
        results[kLogitsResult] = lastTokenLogits(pb, results[kLogitsResult], scalars.lastRow);
        pb.create<func::ReturnOp>(ret.getLoc(), results);
        continue;
      }
      pb.clone(op, mapping);
    }
    // What the graph sizes by the past length (the total key length, masks
    // and ranges built from it) is padded to the cache's capacity.
    SequencePaddingOptions padding;
    padding.position = body->getArgument(kPositionArgument);
    padding.capacity = maxSeqLen;
    padding.tokens = tokens;
    padding.length = body->getArgument(kLengthArgument);
    padding.writtenTypes = std::move(writtenTypes);
    for (unsigned i = 0; i < caches; ++i)
      padding.caches.push_back(body->getArgument(kFirstCacheArgument + i));
    if (failed(refineShapes(program, &padding)))
      return failure();
    // Each present cache is its past cache updated in place.
    auto ret = cast<func::ReturnOp>(body->getTerminator());
    for (unsigned i = 0; i < caches; ++i) {
      auto update = ret.getOperand(kFirstCacheResult + i).getDefiningOp<CacheUpdateOp>();
      if (!update || update.getCache() != body->getArgument(kFirstCacheArgument + i))
        return ret.emitError() << "present cache #" << i
                               << " is not past cache #" << i << " updated in place";
      setAliasedArgument(program, kFirstCacheResult + i, kFirstCacheArgument + i);
    }
    chooseLatentAttentionForms(program);
    return program;
  }

  /// Each latent attention of a program, now of static shape, in the form
  /// `mla-form` asks for; `auto` takes the one with fewer FLOPs (absorbed
  /// for decode, naive for long prefills: see LatentAttentionForms.h).
  void chooseLatentAttentionForms(func::FuncOp program) {
    SmallVector<MLAAttentionOp> absorb;
    program.walk([&](MLAAttentionOp op) {
      std::optional<LatentAttentionSizes> sizes = getLatentAttentionSizes(op);
      bool absorbed = mlaForm == "absorbed" ||
                      (mlaForm == "auto" && sizes &&
                       absorbedLatentAttentionFlops(*sizes) < naiveLatentAttentionFlops(*sizes));
      if (absorbed)
        absorb.push_back(op);
    });
    for (MLAAttentionOp op : absorb)
      rewriteToAbsorbedForm(op);
  }

  /// The FLOPs report of `stats-prompt-lengths`. Programs it prices that
  /// the options did not ask for (the one padded to max-seq-len) are built
  /// aside and erased.
  LogicalResult printStats(OpBuilder &b) {
    ModuleOp module = getOperation();
    StaticShapeConfig config;
    config.maxSeqLen = maxSeqLen;
    config.buckets = prefillBuckets;
    if (prefillChunk > 0)
      config.chunk = int64_t(prefillChunk);
    if (func::FuncOp prefix = lookupPrefixProgram(module))
      if (std::optional<int64_t> tokens = getProgramTokens(prefix))
        config.prefixLength = *tokens;
    for (int64_t length : statsPromptLengths)
      if (length <= 0 || length > maxSeqLen - config.prefixLength)
        return emitError(module.getLoc()) << "a prompt of " << length << " tokens does not fit the "
                                  << maxSeqLen - config.prefixLength << " free cache slots";
    std::map<int64_t, double> programCosts;
    auto programFlops = [&](int64_t tokens) -> std::optional<double> {
      if (auto known = programCosts.find(tokens); known != programCosts.end())
        return known->second;
      auto existing = module.lookupSymbol<func::FuncOp>(
          programName(tokens == 1 ? Phase::decode : Phase::prefill, tokens));
      if (existing)
        return programCosts[tokens] = countFlops(existing);
      FailureOr<func::FuncOp> scratch =
          buildProgram(b, Phase::prefill, tokens, "__llm_stats_program");
      if (failed(scratch))
        return std::nullopt;
      double flops = countFlops(*scratch);
      scratch->erase();
      return programCosts[tokens] = flops;
    };
    auto neededFlops = [&](int64_t tokens) -> std::optional<double> {
      FailureOr<func::FuncOp> exact = instantiateEntry(b, tokens, config.prefixLength);
      if (failed(exact))
        return std::nullopt;
      double flops = countFlops(*exact);
      exact->erase();
      return flops;
    };
    return printStaticShapeStats(llvm::errs(), config, statsPromptLengths, programFlops,
                                 neededFlops);
  }

  /// A copy of the entry point with static shapes: `tokens` new tokens after
  /// `past` cached ones, with the LM head on the last one only (the least
  /// the dynamic model must compute for them).
  FailureOr<func::FuncOp> instantiateEntry(OpBuilder &b, int64_t tokens, int64_t past) {
    auto copy = cast<func::FuncOp>(b.clone(*entry.function));
    copy.setSymName("__llm_stats_forward");
    Block &body = copy.getBody().front();
    for (BlockArgument arg : body.getArguments()) {
      auto type = cast<RankedTensorType>(arg.getType());
      SmallVector<int64_t> shape(type.getShape());
      shape[0] = batch;
      if (arg.getArgNumber() < entry.firstCache)
        shape[1] = tokens;
      else
        shape[layouts[arg.getArgNumber() - entry.firstCache].seqAxis] = past;
      arg.setType(RankedTensorType::get(shape, type.getElementType()));
    }
    copy.setType(FunctionType::get(copy.getContext(), body.getArgumentTypes(), {}));
    // The return is rebuilt: lastTokenLogits wants the logits unused.
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    SmallVector<Value> results(ret.getOperands());
    Location loc = ret.getLoc();
    ret.erase();
    auto rb = OpBuilder::atBlockEnd(&body);
    results[0] = lastTokenLogits(rb, results[0], i64Constant(rb, loc, {1}, {tokens - 1}));
    rb.create<func::ReturnOp>(loc, results);
    if (failed(refineShapes(copy))) {
      copy.erase();
      return failure();
    }
    return copy;
  }

  /// A baked prefix's caches [1, H, P, D] become the initial value of the
  /// fixed buffers [B, H, M, D]: written into slots 0 .. P-1 of zeros.
  LogicalResult lowerPrefixCache(func::FuncOp prefix) {
    auto ret = dyn_cast<func::ReturnOp>(prefix.getBody().front().getTerminator());
    std::optional<int64_t> tokens = getProgramTokens(prefix);
    unsigned caches = entry.numCaches();
    if (!ret || !tokens || ret.getNumOperands() != caches)
      return prefix.emitError("@prefix_cache must return one cache per cache of @forward and "
                              "carry llm.tokens");
    int64_t length = *tokens;
    if (length >= maxSeqLen)
      return prefix.emitError() << "the baked prefix of " << length
                                << " tokens leaves no cache slot free of max-seq-len = "
                                << int64_t(maxSeqLen);
    OpBuilder b(ret);
    Location loc = prefix.getLoc();
    MLIRContext *ctx = b.getContext();
    Value zero = i64Constant(b, loc, {}, {0});
    Value count = i64Constant(b, loc, {}, {length});
    SmallVector<Value> initial;
    for (auto [i, baked] : llvm::enumerate(ret.getOperands())) {
      auto bakedType = cast<RankedTensorType>(baked.getType());
      const CacheLayout &layout = layouts[i];
      if (bakedType.getRank() != int64_t(layout.shape.size()) ||
          bakedType.getDimSize(layout.seqAxis) != length)
        return prefix.emitError() << "baked cache #" << i << " must have " << length
                                  << " entries along axis " << layout.seqAxis << ", not "
                                  << bakedType;
      // In the programs' [B, H, P, D] form.
      Value cache = baked;
      if (!layout.isCanonical())
        cache = b.create<ReshapeOp>(
            loc,
            RankedTensorType::get({bakedType.getDimSize(0), layout.heads, length, layout.width},
                                  bakedType.getElementType()),
            baked);
      auto type = cast<RankedTensorType>(cache.getType());
      SmallVector<int64_t> shape{batch, type.getDimSize(1), maxSeqLen, type.getDimSize(3)};
      auto full = RankedTensorType::get(shape, type.getElementType());
      Value empty = b.create<ConstantOp>(
          loc, DenseElementsAttr::get(full, b.getZeroAttr(type.getElementType())));
      Value rows = cache;
      if (type.getDimSize(0) != batch)
        rows = b.create<BroadcastToOp>(
            loc, RankedTensorType::get({batch, shape[1], length, shape[3]}, type.getElementType()),
            cache, Value());
      initial.push_back(b.create<CacheUpdateOp>(loc, empty, rows, zero, count));
    }
    ret->setOperands(initial);
    prefix.setFunctionType(FunctionType::get(ctx, {}, ValueRange(initial).getTypes()));
    return success();
  }

  /// Attention over the whole fixed cache: causal attention by the
  /// position and length (`allowed`), other attention by its own mask
  /// (which the graph computed over the padded keys) and the real keys
  /// (`written`). An additive mask keeps its values where the keys are
  /// allowed and is -inf elsewhere.
  LogicalResult lowerAttention(OpBuilder &pb, AttentionOp attention, IRMapping &mapping,
                               const ProgramScalars &scalars) {
    Location loc = attention.getLoc();
    Value keys = attention.getCausal() ? scalars.allowed : scalars.written;
    Value mask = keys;
    if (Value extra = attention.getMask()) {
      Value given = mapping.lookup(extra);
      auto element = cast<RankedTensorType>(extra.getType()).getElementType();
      auto scalarType = RankedTensorType::get({}, element);
      if (element.isInteger(1)) {
        Value no = pb.create<ConstantOp>(loc, DenseElementsAttr::get(scalarType, false));
        mask = pb.create<WhereOp>(loc, given, keys, no);
      } else {
        auto floatType = cast<FloatType>(element);
        Value excluded = pb.create<ConstantOp>(
            loc, DenseElementsAttr::get(
                     scalarType, APFloat::getInf(floatType.getFloatSemantics(), /*Negative=*/true)));
        mask = pb.create<WhereOp>(loc, keys, given, excluded);
      }
    }
    Value o = pb.create<AttentionOp>(loc, mapping.lookup(attention.getQuery()),
                                     mapping.lookup(attention.getKey()),
                                     mapping.lookup(attention.getValue()), mask,
                                     attention.getScaleAttr(), nullptr,
                                     attention.getKvHeadMapAttr());
    mapping.map(attention.getResult(), o);
    return success();
  }

  /// The logits of the last real token only: the row-wise ops that end in
  /// the logits (final norm, LM head) are moved behind a slice of row
  /// length - 1 of their input.
  Value lastTokenLogits(OpBuilder &pb, Value logits, Value lastRow) {
    SmallVector<Operation *> chain;
    Value head = logits;
    while (Operation *def = head.getDefiningOp()) {
      // The logits themselves are not used yet (the return is being built).
      bool onlyUse = head == logits ? head.use_empty() : head.hasOneUse();
      if (!isa<LinearOp, RMSNormOp, LayerNormOp>(def) || !onlyUse)
        break;
      chain.push_back(def);
      head = def->getOperand(0);
    }
    Value rows = head;
    auto type = cast<RankedTensorType>(rows.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape[1] = 1;
    Value starts = lastRow;
    Value limits = pb.create<AddOp>(rows.getLoc(), lastRow,
                                    i64Constant(pb, rows.getLoc(), {}, {1}));
    Value last = pb.create<DynamicSliceOp>(
        rows.getLoc(), RankedTensorType::get(shape, type.getElementType()), rows, starts, limits,
        pb.getDenseI64ArrayAttr({1}), nullptr);
    // Re-create the chain (innermost first) on the one row; the originals
    // die with no use.
    Value v = last;
    for (Operation *op : llvm::reverse(chain)) {
      IRMapping m;
      m.map(op->getOperand(0), v);
      v = pb.clone(*op, m)->getResult(0);
    }
    for (Operation *op : chain) // outermost first: each is unused once erased in order
      op->erase();
    return v;
  }
};

} // namespace
