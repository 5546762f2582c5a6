//===- ArtifactWriter.cpp - the npu dialect as an artifact ----------------===//
#include "targets/npu/ArtifactWriter.h"

#include "targets/npu/IR/NPUDialect.h"
#include "targets/npu/Runtime/Artifact.h"
#include "targets/npu/Runtime/Rules.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace llmc;
using namespace llmc::npu;
namespace fb = flatbuffers;

namespace {

class Writer {
public:
  explicit Writer(const Description &device) : device(device) {
    // Every field written, defaults too: a -0.0 immediate is not 0.0.
    b.ForceDefaults(true);
  }

  LogicalResult write(ModuleOp module, llvm::raw_ostream &os, std::vector<uint8_t> *written) {
    auto regionsAttr = module->getAttrOfType<DictionaryAttr>("npu.regions");
    if (!regionsAttr)
      return module.emitError("an npu module names its memory regions (npu.regions)");
    std::vector<fb::Offset<npub::Region>> regions;
    int64_t weightsBytes = 0;
    for (NamedAttribute entry : regionsAttr) {
      std::optional<npub::Memory> memory = memoryNamed(entry.getName().strref());
      auto bytes = dyn_cast<IntegerAttr>(entry.getValue());
      if (!memory || !bytes)
        return module.emitError() << "npu.regions: '" << entry.getName().strref()
                                  << "' is no memory with a byte count";
      regions.push_back(npub::CreateRegion(b, *memory, bytes.getInt()));
      if (*memory == npub::Memory::Weights)
        weightsBytes = bytes.getInt();
    }
    std::vector<fb::Offset<npub::Program>> programs;
    for (auto function : module.getOps<func::FuncOp>()) {
      std::optional<fb::Offset<npub::Program>> program = writeProgram(function);
      if (!program)
        return failure();
      programs.push_back(*program);
    }
    auto integer = [&](StringRef name) {
      auto value = module->getAttrOfType<IntegerAttr>(name);
      return value ? value.getInt() : 0;
    };
    auto weights = module->getAttrOfType<StringAttr>("npu.weights");
    // Bytes the module carries as i8 tensors (the const region, a baked
    // prefix's caches).
    auto bytesOf = [&](StringRef name) {
      std::vector<uint8_t> bytes;
      if (auto data = module->getAttrOfType<DenseElementsAttr>(name)) {
        ArrayRef<char> raw = data.getRawData();
        if (data.isSplat())
          bytes.assign(data.getNumElements(), uint8_t(raw.empty() ? 0 : raw[0]));
        else
          bytes.assign(raw.begin(), raw.end());
      }
      return bytes;
    };
    std::vector<uint8_t> constants = bytesOf("npu.constants");
    std::vector<uint8_t> cacheInit = bytesOf("npu.cache_init");
    npub::Version version(kFormatMajor, kFormatMinor, 0);
    auto root = npub::CreateArtifact(
        b, &version, schemaHash(), b.CreateString(device.toJSON()), integer("npu.max_seq_len"),
        b.CreateVector(regions), b.CreateVector(programs),
        cacheInit.empty() ? 0 : b.CreateVector(cacheInit), integer("npu.prefix_tokens"),
        b.CreateVector(constants),
        weights ? b.CreateString(weights.getValue().str()) : 0, weightsBytes);
    finishArtifact(b, root);
    // What the simulator would refuse never leaves the compiler: the
    // artifact is loaded and checked as llmc-run loads it.
    std::vector<uint8_t> bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
    llvm::Expected<Artifact> check = Artifact::fromBytes(bytes, "the artifact");
    if (!check)
      return module.emitError() << llvm::toString(check.takeError());
    os.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
    if (written)
      *written = std::move(bytes);
    return success();
  }

private:
  fb::Offset<npub::View> view(ViewAttr v) {
    auto address = npub::CreateAddress(b, *memoryNamed(v.getMemory()), v.getOffset(), v.getReg(),
                                       v.getScale());
    return npub::CreateView(b, address, *artifactElementType(v.getType()),
                            b.CreateVector(v.getShape().vec()),
                            b.CreateVector(v.getStrides().vec()));
  }

  std::optional<fb::Offset<fb::Vector<fb::Offset<npub::Tensor>>>>
  tensors(func::FuncOp function, StringRef name) {
    auto list = function->getAttrOfType<ArrayAttr>(name);
    std::vector<fb::Offset<npub::Tensor>> out;
    for (Attribute entry : list ? list : ArrayAttr::get(function.getContext(), {})) {
      auto dict = dyn_cast<DictionaryAttr>(entry);
      auto label = dict ? dict.getAs<StringAttr>("name") : StringAttr();
      auto v = dict ? dict.getAs<ViewAttr>("view") : ViewAttr();
      if (!label || !v) {
        function.emitError() << name << ": each entry is {name = \"...\", view = #npu.view<...>}";
        return std::nullopt;
      }
      auto address = npub::CreateAddress(b, *memoryNamed(v.getMemory()), v.getOffset());
      // The tensor's own shape when the view's differs (a scalar's is [1]).
      auto shape = dict.getAs<DenseI64ArrayAttr>("shape");
      out.push_back(npub::CreateTensor(
          b, b.CreateString(label.getValue().str()), *artifactElementType(v.getType()),
          b.CreateVector(shape ? shape.asArrayRef().vec() : v.getShape().vec()), address));
    }
    return b.CreateVector(out);
  }

  std::optional<fb::Offset<npub::Program>> writeProgram(func::FuncOp function) {
    auto phase = function->getAttrOfType<StringAttr>("npu.phase");
    auto tokens = function->getAttrOfType<IntegerAttr>("npu.tokens");
    if (!phase || !tokens) {
      function.emitError("an npu program has npu.phase and npu.tokens");
      return std::nullopt;
    }
    auto inputs = tensors(function, "npu.inputs");
    auto outputs = tensors(function, "npu.outputs");
    if (!inputs || !outputs)
      return std::nullopt;
    llvm::DenseMap<Value, uint32_t> indexOf;
    std::vector<fb::Offset<npub::Command>> commands;
    for (Operation &op : function.getBody().front()) {
      if (isa<func::ReturnOp>(op))
        continue;
      std::vector<uint32_t> waits;
      for (Value token : op.getOperands()) {
        auto it = indexOf.find(token);
        if (it == indexOf.end()) {
          op.emitError("waits on a token that no earlier command of the program gives");
          return std::nullopt;
        }
        waits.push_back(it->second);
      }
      std::optional<fb::Offset<npub::Command>> command = write(op, waits);
      if (!command)
        return std::nullopt;
      indexOf[op.getResult(0)] = commands.size();
      commands.push_back(*command);
    }
    return npub::CreateProgram(b, b.CreateString(function.getSymName().str()),
                               b.CreateString(phase.getValue().str()), tokens.getInt(), *inputs,
                               *outputs, b.CreateVector(commands));
  }

  std::optional<fb::Offset<npub::Command>> write(Operation &op, const std::vector<uint32_t> &waits) {
    auto command = [&](npub::Unit unit, npub::Operation type, fb::Offset<void> operation,
                       uint8_t engine = 0) {
      return npub::CreateCommand(b, unit, engine, type, operation, b.CreateVector(waits),
                                 b.CreateString(location(op)));
    };
    if (auto copy = dyn_cast<CopyOp>(op))
      return command(npub::Unit::DMA, npub::Operation::Copy,
                     npub::CreateCopy(b, view(copy.getSrc()), view(copy.getDst()),
                                      int8_t(int64_t(copy.getRows())))
                         .Union(),
                     uint8_t(int64_t(copy.getEngine())));
    if (auto m = dyn_cast<MatMulOp>(op))
      return command(npub::Unit::Matrix, npub::Operation::MatMul,
                     npub::CreateMatMul(b, view(m.getA()), view(m.getB()), view(m.getC()),
                                        m.getTransposeB(), m.getAccumulate())
                         .Union());
    if (auto v = dyn_cast<VectorOp>(op)) {
      auto src1 = v.getSrc1() ? view(*v.getSrc1()) : fb::Offset<npub::View>();
      auto src2 = v.getSrc2() ? view(*v.getSrc2()) : fb::Offset<npub::View>();
      auto dst = view(v.getDst()), src0 = view(v.getSrc0());
      return command(npub::Unit::Vector, npub::Operation::Vector,
                     npub::CreateVector(b, *vectorOpNamed(v.getKind()),
                                        *comparisonNamed(v.getComparison()), dst, src0, src1,
                                        src2, v.getScalar() ? v.getScalar()->convertToDouble() : 0,
                                        v.getScalar().has_value(),
                                        int8_t(int64_t(v.getScalarReg())))
                         .Union());
    }
    if (auto r = dyn_cast<ReduceOp>(op)) {
      auto dst = view(r.getDst()), src = view(r.getSrc());
      return command(npub::Unit::Vector, npub::Operation::Reduce,
                     npub::CreateReduce(b,
                                        r.getKind() == "sum" ? npub::ReduceOp::Sum
                                                             : npub::ReduceOp::Max,
                                        dst, src)
                         .Union());
    }
    if (auto s = dyn_cast<ScalarOp>(op)) {
      npub::ScalarOp kind = llvm::StringSwitch<npub::ScalarOp>(s.getKind())
                                .Case("set", npub::ScalarOp::Set)
                                .Case("load", npub::ScalarOp::Load)
                                .Case("add", npub::ScalarOp::Add)
                                .Case("mul", npub::ScalarOp::Mul)
                                .Case("min", npub::ScalarOp::Min)
                                .Default(npub::ScalarOp::Max);
      fb::Offset<npub::Address> source;
      if (std::optional<ViewAttr> v = s.getSource())
        source = npub::CreateAddress(b, *memoryNamed(v->getMemory()), v->getOffset(), v->getReg(),
                                     v->getScale());
      return command(npub::Unit::Scalar, npub::Operation::Scalar,
                     npub::CreateScalar(b, kind, uint8_t(int64_t(s.getDst())),
                                        int8_t(int64_t(s.getA())), int8_t(int64_t(s.getB())),
                                        int64_t(s.getImmediate()), source)
                         .Union());
    }
    op.emitError() << "the NPU has no command for '" << op.getName()
                   << "' (its lowering to the npu dialect is not built yet)";
    return std::nullopt;
  }

  /// "llm.<op> file:line" of the llm op a command came from (the lowering
  /// names it), as far as the location says.
  static std::string location(Operation &op) {
    std::string name, place;
    op.getLoc()->walk([&](Location loc) {
      if (auto named = dyn_cast<NameLoc>(loc); named && name.empty())
        name = named.getName().str();
      if (auto file = dyn_cast<FileLineColLoc>(loc); file && place.empty())
        place = (file.getFilename().getValue() + ":" + llvm::Twine(file.getLine())).str();
      return WalkResult::advance();
    });
    return name.empty() ? place : place.empty() ? name : name + " " + place;
  }

  const Description &device;
  fb::FlatBufferBuilder b;
};

} // namespace

LogicalResult npu::writeArtifact(ModuleOp module, const Description &device,
                                 llvm::raw_ostream &os, std::vector<uint8_t> *written) {
  // An op of another dialect anywhere (an llm op not lowered) is named.
  WalkResult foreign = module.walk([](Operation *op) {
    if (isa<ModuleOp, func::FuncOp, func::ReturnOp>(op) ||
        (op->getDialect() &&
         op->getDialect()->getNamespace() == NPUDialect::getDialectNamespace()))
      return WalkResult::advance();
    op->emitError() << "the NPU has no command for '" << op->getName()
                    << "' (its lowering to the npu dialect is not built yet)";
    return WalkResult::interrupt();
  });
  if (foreign.wasInterrupted())
    return failure();
  return Writer(device).write(module, os, written);
}
