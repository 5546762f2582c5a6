//===- NPUTarget.cpp - the `npu` target -----------------------------------===//
#include "targets/npu/NPUTarget.h"

#include "targets/npu/ArtifactWriter.h"
#include "targets/npu/Lowering/Passes.h"
#include "targets/npu/Runtime/Description.h"
#include "targets/npu/Runtime/Report.h"

#include "llmc/Dialect/LLM/IR/ElementType.h"
#include "llmc/Dialect/LLM/IR/WeightsFile.h"
#include "llmc/Reference/Tensor.h"
#include "llmc/Support/SafeTensors.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cstring>
#include <map>

using namespace llmc;

namespace {

struct NPUTargetOptions : public mlir::PassPipelineOptions<NPUTargetOptions> {
  Option<std::string> config{
      *this, "config",
      llvm::cl::desc("The NPU description: a bundled one (phone, tv) or a JSON file "
                     "(docs/npu.md)"),
      llvm::cl::init("phone")};
  Option<bool> summary{*this, "summary",
                       llvm::cl::desc("Print the estimated cost of each program after compiling "
                                      "(docs/npu.md, \"Timing model\")"),
                       llvm::cl::init(true)};
  Option<std::string> json{*this, "json",
                           llvm::cl::desc("Write the estimated cost of each program to this JSON "
                                          "file (for scripts)"),
                           llvm::cl::init("")};
  Option<std::string> csv{*this, "csv",
                          llvm::cl::desc("Write the estimated cost of each llm op's commands to "
                                         "this CSV file"),
                          llvm::cl::init("")};
};

class NPUTarget final : public TargetWithOptions<NPUTargetOptions> {
public:
  llvm::StringRef getName() const override { return "npu"; }
  llvm::StringRef getDescription() const override {
    return "FlatBuffers program for the reference NPU simulator (docs/npu.md), weights "
           "in <output>.weights";
  }
  bool emitsBinary() const override { return true; }

protected:
  void buildPipelineWith(mlir::OpPassManager &pm, const Options &options) const override {
    pm.addPass(npu::createLowerToNPUPass(options.config));
  }

  mlir::LogicalResult emitWith(mlir::ModuleOp module, llvm::raw_ostream &os,
                               llvm::StringRef outputPath,
                               const Options &options) const override {
    llvm::Expected<npu::Description> device = npu::loadDescription(options.config);
    if (!device)
      return module.emitError() << llvm::toString(device.takeError());
    // The weights go beside the artifact, written (and kept) with it.
    std::unique_ptr<llvm::ToolOutputFile> weights;
    if (auto layout = module->getAttrOfType<mlir::ArrayAttr>("npu.weight_layout");
        layout && !layout.empty()) {
      if (outputPath == "-")
        return module.emitError() << "the npu target writes its weights beside the artifact: "
                                     "give the artifact a file (-o)";
      std::string path = (outputPath + ".weights").str();
      if (mlir::failed(writeWeights(module, layout, outputPath, path, weights)))
        return mlir::failure();
      module->setAttr("npu.weights",
                      mlir::StringAttr::get(module.getContext(), llvm::sys::path::filename(path)));
    }
    std::vector<uint8_t> bytes;
    if (mlir::failed(npu::writeArtifact(module, *device, os, &bytes)))
      return mlir::failure();
    if ((options.summary || !options.csv.empty() || !options.json.empty()) &&
        mlir::failed(report(module, std::move(bytes), options)))
      return mlir::failure();
    if (weights)
      weights->keep();
    return mlir::success();
  }

  /// The estimate: each program timed on the simulator (nothing computed)
  /// as a run at position 0 with every token real.
  static mlir::LogicalResult report(mlir::ModuleOp module, std::vector<uint8_t> bytes,
                                    const Options &options) {
    llvm::Expected<npu::Artifact> artifact = npu::Artifact::fromBytes(std::move(bytes), "");
    if (!artifact)
      return module.emitError() << llvm::toString(artifact.takeError());
    llvm::Expected<npu::Machine> machine = npu::Machine::create(*artifact, {}, true);
    if (!machine)
      return module.emitError() << llvm::toString(machine.takeError());
    std::map<std::string, npu::RunStats> costs;
    std::vector<npu::RunStats::CommandCost> commands;
    for (const npub::Program *program : *artifact->root().programs()) {
      // The length input (the third) says every token is real.
      if (program->inputs() && program->inputs()->size() > 2) {
        const npub::Tensor *length = program->inputs()->Get(2);
        int64_t tokens = program->tokens();
        llvm::MutableArrayRef<uint8_t> io = machine->memory(length->address()->memory());
        std::memcpy(io.data() + length->address()->offset(), &tokens, sizeof tokens);
      }
      npu::RunStats &stats = costs[program->name()->str()];
      stats.recordCommands = !options.csv.empty();
      if (llvm::Error e = machine->run(program->name()->str(), &stats, /*values=*/false))
        return module.emitError() << llvm::toString(std::move(e));
      commands.insert(commands.end(), stats.perCommand.begin(), stats.perCommand.end());
    }
    npu::ReportContext context;
    context.kind = "estimated";
    if (auto ops = module->getAttrOfType<mlir::IntegerAttr>("npu.llm_ops"))
      context.npuOps = ops.getInt();
    if (options.summary)
      npu::printSummary(llvm::errs(), *artifact, costs, context);
    for (const std::string &path : {std::string(options.csv), std::string(options.json)}) {
      if (path.empty())
        continue;
      std::string error;
      std::unique_ptr<llvm::ToolOutputFile> file = mlir::openOutputFile(path, &error);
      if (!file)
        return module.emitError() << error;
      if (path == options.csv)
        npu::writeCommandCSV(file->os(), *artifact, commands);
      else
        npu::writeSummaryJSON(file->os(), *artifact, costs);
      file->keep();
    }
    return mlir::success();
  }

  /// The weights of `layout` ({name, offset, type}) in the element types the
  /// programs read, each at its offset, into `path`.
  static mlir::LogicalResult writeWeights(mlir::ModuleOp module, mlir::ArrayAttr layout,
                                          llvm::StringRef outputPath, const std::string &path,
                                          std::unique_ptr<llvm::ToolOutputFile> &file) {
    llvm::StringRef directory = llvm::sys::path::parent_path(outputPath);
    std::vector<std::string> paths =
        llm::resolveWeightsPaths(module, directory.empty() ? "." : directory);
    llvm::Expected<std::unique_ptr<WeightStore>> store = WeightStore::openAll(paths);
    if (!store)
      return module.emitError() << llvm::toString(store.takeError());
    std::string error;
    file = mlir::openOutputFile(path, &error);
    if (!file)
      return module.emitError() << error;
    int64_t written = 0;
    for (mlir::Attribute entry : layout) {
      auto dict = mlir::cast<mlir::DictionaryAttr>(entry);
      llvm::StringRef name = dict.getAs<mlir::StringAttr>("name").getValue();
      int64_t offset = dict.getAs<mlir::IntegerAttr>("offset").getInt();
      auto type = mlir::cast<mlir::RankedTensorType>(
          dict.getAs<mlir::TypeAttr>("type").getValue());
      const StoredTensor *stored = (*store)->lookup(name);
      std::optional<DType> dtype = dtypeOf(type.getElementType());
      if (!stored || !dtype || stored->numElements() != type.getNumElements())
        return module.emitError() << "weight '" << name << "' is not in "
                                  << (*store)->getPath() << " as " << type;
      file->os().write_zeros(offset - written);
      if (stored->dtype == *dtype) {
        file->os().write(stored->data, stored->bytes);
        written = offset + int64_t(stored->bytes);
      } else {
        ref::Tensor tensor = ref::Tensor::fromBytes(stored->dtype, *dtype, type.getShape(),
                                                    stored->data);
        std::vector<char> bytes = tensor.toBytes(*dtype);
        file->os().write(bytes.data(), bytes.size());
        written = offset + int64_t(bytes.size());
      }
      // What was read goes back to the system: memory stays near one tensor.
      (*store)->releasePages();
    }
    return mlir::success();
  }

  DeviceDescription getDeviceWith(const Options &options) const override {
    DeviceDescription device;
    llvm::Expected<npu::Description> npu = npu::loadDescription(options.config);
    if (!npu) {
      // emit() reports it; the passes before see an FP16 device.
      llvm::consumeError(npu.takeError());
      return device;
    }
    device.accumulatesInFP32 = npu->accumulation == npu::Accumulation::F32;
    // Half the SRAM for planned values, half for the kernels' tiles
    // (docs/npu.md, "The lowering").
    device.sramBytes = npu->sramBytes / 2;
    device.cacheElementType = "f16";
    device.computeElementType = "f16";
    device.fusionKinds = {"residual-norm-linear-epilogue"};
    return device;
  }
};

} // namespace

std::unique_ptr<Target> llmc::createNPUTarget() { return std::make_unique<NPUTarget>(); }
