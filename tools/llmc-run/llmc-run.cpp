//===- llmc-run.cpp - the reference executor's command line ---------------===//
//
//   llmc-run MODEL [--entry FUNC] --inputs a.npy b.npy ... --outputs DIR
//   llmc-run MODEL --generate N --prompt-ids 1,2,3 [--load-cache F] [--save-cache F]
//   llmc-run MODEL --check          (op specification tests: check.* assertions)
//
// MODEL is an llm-dialect module (at any stage of the pipeline), a Hugging
// Face checkpoint directory or an .onnx file (imported on the fly; for ONNX,
// --inputs are the graph inputs in order and output_K the graph outputs). `--fp16` models
// an FP16-only device (docs/executor.md).
//
// Generation runs through the runtime layer (llmc/Runtime/Generate.h) over
// the module as an InterpretedProgram.
//
// Exit status: 0 on success, 2 for bad input (with a message), 77 when the
// module holds an op the executor does not implement, 1 otherwise (and for
// a failed check).
//
//===----------------------------------------------------------------------===//
#include "llmc/Executor/Executor.h"
#include "llmc/Executor/InterpretedProgram.h"
#include "llmc/Import/Import.h"
#include "llmc/InitAll.h"
#include "llmc/Runtime/Generate.h"
#include "llmc/Support/Npy.h"
#include "targets/npu/Runtime/NPUProgram.h"
#include "targets/npu/Runtime/Report.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

#include <map>

using namespace llvm;
using namespace llmc;
using namespace llmc::exec;

namespace {

enum ExitStatus { Success = 0, Failure = 1, BadInput = 2, Unsupported = 77 };

cl::OptionCategory category("llmc-run options");
cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                               cl::desc("<model.mlir | checkpoint-dir>"),
                               cl::cat(category));
cl::opt<std::string> entry("entry",
                           cl::desc("Function to run (default: @forward, or the "
                                    "module's only function)"),
                           cl::cat(category));
cl::list<std::string> inputFiles(
    "inputs", cl::desc("Input .npy files, one per argument, in order"),
    cl::CommaSeparated, cl::cat(category));
cl::opt<std::string> outputDir("outputs",
                               cl::desc("Directory for output_K.npy"),
                               cl::cat(category));
cl::opt<unsigned> generateCount("generate",
                           cl::desc("Greedy-decode N tokens after a prefill "
                                    "of --prompt-ids"),
                           cl::init(0), cl::cat(category));
cl::list<int64_t> promptIds("prompt-ids", cl::desc("Prompt token ids"),
                            cl::CommaSeparated, cl::cat(category));
cl::opt<std::string> promptLogits("prompt-logits",
                                  cl::desc("With --generate: write the logits of the prompt's "
                                           "last token to this .npy file"),
                                  cl::cat(category));
cl::opt<std::string> loadCache("load-cache",
                               cl::desc("With --generate: start from the caches in this file "
                                        "(written by --save-cache) instead of the module's "
                                        "baked prefix"),
                               cl::cat(category));
cl::opt<std::string> saveCache("save-cache",
                               cl::desc("With --generate: write the caches after the prompt "
                                        "to this safetensors file"),
                               cl::cat(category));
cl::opt<bool> checkMode("check",
                        cl::desc("Run every function without arguments and report whether its "
                                 "check.* assertions hold (op specification tests)"),
                        cl::init(false), cl::cat(category));
cl::opt<bool> fp16("fp16", cl::desc("Model a device that computes only in FP16"),
                   cl::init(false), cl::cat(category));
cl::opt<bool> npuStats("npu-stats",
                       cl::desc("For an NPU artifact (.npub): print what the runs cost on the "
                                "simulated device (cycles, time, DRAM bytes, MACs)"),
                       cl::init(false), cl::cat(category));
cl::opt<std::string> npuCSV("npu-csv",
                           cl::desc("For an NPU artifact: write what each llm op's commands cost "
                                    "in the runs to this CSV file"),
                           cl::init(""), cl::cat(category));
cl::opt<std::string> npuTrace("trace",
                             cl::desc("For an NPU artifact: write the runs' commands as a "
                                      "Perfetto/Chrome trace (JSON) to this file, a track per "
                                      "unit"),
                             cl::init(""), cl::cat(category));
cl::opt<bool> plannedArena(
    "planned-arena",
    cl::desc("Run a program that carries a memory plan in the plan's bytes, every value at its "
             "planned offset (default; =false keeps values apart, faster on large caches)"),
    cl::init(true), cl::cat(category));

int fail(int status, const Twine &message) {
  WithColor::error(errs(), "llmc-run") << message << "\n";
  return status;
}

/// "--inputs a.npy b.npy" as "--inputs=a.npy,b.npy", so both spellings work.
std::vector<const char *> joinInputs(int argc, char **argv,
                                     std::vector<std::string> &storage) {
  std::vector<const char *> args{argv[0]};
  for (int i = 1; i < argc; ++i) {
    StringRef arg = argv[i];
    if (arg != "--inputs" && arg != "-inputs") {
      args.push_back(argv[i]);
      continue;
    }
    std::string joined = "--inputs=";
    bool first = true;
    while (i + 1 < argc && !StringRef(argv[i + 1]).starts_with("-")) {
      joined += (first ? "" : ",") + std::string(argv[++i]);
      first = false;
    }
    storage.push_back(joined);
  }
  for (const std::string &s : storage)
    args.push_back(s.c_str());
  return args;
}

Tensor toTensor(const NpyArray &array) {
  return Tensor::fromBytes(array.dtype, array.dtype, array.shape, array.bytes.data());
}

NpyArray toNpy(const Tensor &t) {
  NpyArray array;
  array.dtype = t.dtype() == DType::BF16 ? DType::F32 : t.dtype();
  array.shape.assign(t.shape().begin(), t.shape().end());
  array.bytes = t.toBytes(array.dtype);
  return array;
}

int reportRunError(const RunError &error) {
  return fail(error.kind == RunError::Unsupported ? Unsupported : BadInput, error.message);
}

int runGenerate(runtime::Program &program) {
  if (promptIds.empty())
    return fail(BadInput, "--generate needs --prompt-ids");
  runtime::GenerateOptions options;
  options.count = generateCount;
  options.prompt.assign(promptIds.begin(), promptIds.end());
  options.promptLogitsFile = promptLogits;
  options.loadCacheFile = loadCache;
  options.saveCacheFile = saveCache;
  RunError error;
  std::optional<std::vector<int64_t>> tokens = runtime::generate(program, options, error);
  if (!tokens)
    return reportRunError(error);
  outs() << join(map_range(*tokens, [](int64_t v) { return std::to_string(v); }), " ") << "\n";
  return Success;
}

/// `--outputs DIR`: output_<k>.npy per result.
int writeOutputs(llvm::ArrayRef<Tensor> results) {
  if (outputDir.empty())
    return fail(BadInput, "--outputs DIR is required with --inputs");
  if (std::error_code ec = sys::fs::create_directories(outputDir))
    return fail(Failure, "cannot create " + outputDir + ": " + ec.message());
  for (auto [k, result] : llvm::enumerate(results)) {
    SmallString<256> path(outputDir);
    sys::path::append(path, "output_" + std::to_string(k) + ".npy");
    if (Error e = writeNpy(path, toNpy(result)))
      return fail(Failure, toString(std::move(e)));
  }
  return Success;
}

int runWithInputs(Executor &executor, mlir::func::FuncOp function) {
  std::vector<Tensor> inputs;
  for (auto [k, file] : llvm::enumerate(inputFiles)) {
    Expected<NpyArray> array = readNpy(file);
    if (!array)
      return fail(BadInput, toString(array.takeError()));
    Tensor input = toTensor(*array);
    // NumPy has no bfloat16: a bf16 argument takes float32 values, rounded.
    mlir::TypeRange argTypes = function.getArgumentTypes();
    if (k < argTypes.size() && input.dtype() == DType::F32 &&
        cast<mlir::RankedTensorType>(argTypes[k]).getElementType().isBF16())
      input = Tensor::fromFloats(DType::BF16, input.shape(),
                                 std::vector<float>(input.floats(), input.floats() + input.size()));
    inputs.push_back(std::move(input));
  }
  RunError error;
  std::optional<std::vector<Tensor>> results = executor.run(function, inputs, error);
  if (!results)
    return reportRunError(error);
  return writeOutputs(*results);
}

/// `--check`: each function without arguments, its failed checks listed;
/// a closing line counts the functions.
int runChecks(mlir::ModuleOp module, const ExecutorOptions &baseOptions) {
  std::vector<std::string> failures;
  ExecutorOptions options = baseOptions;
  options.onCheckFailure = [&](mlir::Operation *op, const std::string &why) {
    failures.push_back(locationOf(op) + why);
  };
  Executor executor(module, options);
  int passed = 0, failed = 0;
  for (auto function : module.getOps<mlir::func::FuncOp>()) {
    if (function.isExternal() || function.getNumArguments() != 0)
      continue;
    failures.clear();
    RunError error;
    if (!executor.run(function, {}, error))
      failures.push_back(error.message);
    if (failures.empty()) {
      ++passed;
      outs() << "PASS: @" << function.getSymName() << "\n";
      continue;
    }
    ++failed;
    outs() << "FAIL: @" << function.getSymName() << "\n";
    for (const std::string &failure : failures)
      outs() << "  " << failure << "\n";
  }
  outs() << "checks: " << passed << " passed, " << failed << " failed\n";
  if (passed + failed == 0)
    return fail(BadInput, "--check found no function without arguments to run");
  return failed ? Failure : Success;
}

} // namespace

/// An NPU artifact: generation or one program on `--inputs`, on the
/// simulator.
int runArtifact() {
  if (checkMode || fp16)
    return fail(BadInput, "--check and --fp16 run .mlir modules; an NPU artifact computes as "
                          "its device does");
  Expected<std::unique_ptr<llmc::npu::NPUProgram>> program =
      llmc::npu::NPUProgram::load(modelPath);
  if (!program)
    return fail(BadInput, toString(program.takeError()));
  if (npuStats || !npuCSV.empty() || !npuTrace.empty())
    (*program)->recordCommands();
  int status;
  if (generateCount > 0) {
    if (!entry.empty())
      return fail(BadInput, "--generate runs the model's own programs; drop --entry");
    status = runGenerate(**program);
  } else {
    if (entry.empty())
      return fail(BadInput, "give the program to run (--entry) and its --inputs");
    std::vector<Tensor> inputs;
    for (const std::string &file : inputFiles) {
      Expected<NpyArray> array = readNpy(file);
      if (!array)
        return fail(BadInput, toString(array.takeError()));
      inputs.push_back(toTensor(*array));
    }
    RunError error;
    std::optional<std::vector<Tensor>> results = (*program)->call(entry, inputs, error);
    if (!results)
      return reportRunError(error);
    status = writeOutputs(*results);
  }
  if (npuStats) {
    const llmc::npu::RunStats &s = (*program)->stats();
    const llmc::npu::Description &d = (*program)->artifact().description();
    errs() << "npu (" << d.name << "): " << s.commands << " commands, " << s.cycles << " cycles ("
           << format("%.3f", s.seconds(d) * 1e6) << " us at " << format("%.0f", d.clockMHz)
           << " MHz), DRAM "
           << s.dramBytesRead << " B read, " << s.dramBytesWritten << " B written, " << s.macs
           << " MACs (matrix " << format("%.1f", 100 * s.matrixUtilisation(d)) << " % busy), "
           << s.stallCycles << " cycles waiting, " << s.nans << " NaN, " << s.infinities
           << " inf\n";
    llmc::npu::printSummary(errs(), (*program)->artifact(), (*program)->statsPerProgram(), {});
  }
  std::vector<llmc::npu::RunStats::CommandCost> costs;
  for (const auto &[name, stats] : (*program)->statsPerProgram())
    costs.insert(costs.end(), stats.perCommand.begin(), stats.perCommand.end());
  if (npuStats)
    llmc::npu::printOpTable(errs(), (*program)->artifact(), costs, 12);
  for (const std::string &path : {std::string(npuCSV), std::string(npuTrace)}) {
    if (path.empty())
      continue;
    std::string error;
    std::unique_ptr<ToolOutputFile> file = mlir::openOutputFile(path, &error);
    if (!file)
      return fail(BadInput, error);
    if (path == npuCSV)
      llmc::npu::writeCommandCSV(file->os(), (*program)->artifact(), costs);
    else
      llmc::npu::writeTrace(file->os(), (*program)->artifact(), costs);
    file->keep();
  }
  return status;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  std::vector<std::string> storage;
  std::vector<const char *> args = joinInputs(argc, argv, storage);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(int(args.size()), args.data(),
                              "llmc-run: the reference executor of the llm dialect\n");

  // An NPU artifact runs on the simulator (targets/npu/Runtime).
  if (StringRef(modelPath).ends_with(".npub"))
    return runArtifact();

  mlir::DialectRegistry registry;
  llmc::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  mlir::OwningOpRef<mlir::ModuleOp> module;
  ExecutorOptions options;
  options.fp16 = fp16;
  options.usePlannedArena = plannedArena;
  // An ONNX model's initializers go to a temporary weights file.
  SmallString<128> temporaryWeights;
  std::optional<FileRemover> removeWeights;
  if (isImportable(modelPath)) {
    std::string directory = modelPath;
    if (StringRef(modelPath).ends_with(".onnx")) {
      if (std::error_code ec = sys::fs::createTemporaryFile("llmc-run", "safetensors",
                                                            temporaryWeights))
        return fail(Failure, "cannot create a temporary file: " + ec.message());
      removeWeights.emplace(temporaryWeights);
      directory = sys::path::parent_path(temporaryWeights).str();
    }
    Expected<mlir::OwningOpRef<mlir::ModuleOp>> imported =
        importModel(&context, modelPath, directory, temporaryWeights);
    if (!imported)
      return fail(BadInput, toString(imported.takeError()));
    module = std::move(*imported);
    options.moduleDirectory = directory;
  } else {
    SourceMgr sourceMgr;
    std::string error;
    auto buffer = MemoryBuffer::getFileOrSTDIN(modelPath);
    if (!buffer)
      return fail(BadInput, "cannot open " + modelPath + ": " + buffer.getError().message());
    sourceMgr.AddNewSourceBuffer(std::move(*buffer), SMLoc());
    mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
    module = mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
    if (!module)
      return BadInput;
    StringRef dir = sys::path::parent_path(modelPath);
    options.moduleDirectory = dir.empty() ? "." : dir.str();
  }
  if (checkMode)
    return runChecks(*module, options);
  InterpretedProgram program(*module, options);
  if (generateCount > 0) {
    if (!entry.empty())
      return fail(BadInput, "--generate runs the model's own entry points; drop --entry");
    return runGenerate(program);
  }
  mlir::func::FuncOp function;
  if (!entry.empty()) {
    function = module->lookupSymbol<mlir::func::FuncOp>(entry);
  } else {
    function = module->lookupSymbol<mlir::func::FuncOp>("forward");
    auto functions = module->getOps<mlir::func::FuncOp>();
    if (!function && llvm::hasSingleElement(functions))
      function = *functions.begin();
  }
  if (!function)
    return fail(BadInput, "no function @" + (entry.empty() ? std::string("forward") : entry) +
                              " in " + modelPath);
  return runWithInputs(program.getExecutor(), function);
}
