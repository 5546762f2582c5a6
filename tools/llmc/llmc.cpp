//===- llmc.cpp - the llmc compiler driver --------------------------------===//
//
//   llmc model.mlir -target=<name> -o <out>
//        [--max-seq-len=M --prefill-buckets=... --prefill-chunk=C --mla-form=...]
//        [--bake-prefix=<ids>] [--print-static-shape-stats=<lengths>]
//
// Parses and verifies the model, runs the deployment passes asked for
// (include/llmc/Target/Deployment.h) and the target's pipeline (defined by
// the target, see include/llmc/Target/Target.h), and writes its artifact. A
// failure at any step leaves no output file behind.
//
//===----------------------------------------------------------------------===//
#include "llmc/Dialect/LLM/IR/WeightsFile.h"
#include "llmc/Import/Import.h"
#include "llmc/InitAll.h"
#include "llmc/Target/Deployment.h"
#include "llmc/Support/WeightsPath.h"
#include "llmc/Target/Target.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

namespace {

cl::OptionCategory driverCategory("llmc options");

cl::list<std::string> inputFilenames(
    cl::Positional,
    cl::desc("<model.mlir | checkpoint-dir | model.onnx | prefill.onnx decode.onnx>"),
    cl::cat(driverCategory));

cl::opt<std::string> outputFilename("o", cl::desc("Output file ('-' is stdout)"),
                                    cl::value_desc("file"), cl::init("-"),
                                    cl::cat(driverCategory));

cl::opt<std::string> targetName("target",
                                cl::desc("Target to compile for (see "
                                         "--list-targets)"),
                                cl::value_desc("name"), cl::cat(driverCategory));

cl::opt<std::string> targetOptionsText(
    "target-options",
    cl::desc("The target's own options, as name=value pairs separated by spaces (see "
             "--list-targets)"),
    cl::value_desc("options"), cl::init(""), cl::cat(driverCategory));

cl::opt<bool> listTargets("list-targets",
                          cl::desc("Print the targets and their options, and exit"),
                          cl::init(false), cl::cat(driverCategory));

cl::OptionCategory deploymentCategory("llmc deployment options (static programs, baked prefix)");

// The deployment options, as DeploymentOptions.def declares them.
namespace deployment {
#define LLMC_OPTION(TYPE, FIELD, NAME, DEFAULT, HELP)                                    \
  cl::opt<TYPE> FIELD(NAME, cl::desc(HELP), cl::init(DEFAULT), cl::cat(deploymentCategory));
#define LLMC_LIST_OPTION(TYPE, FIELD, NAME, HELP)                                        \
  cl::list<TYPE> FIELD(NAME, cl::desc(HELP), cl::CommaSeparated, cl::cat(deploymentCategory));
#include "llmc/Target/DeploymentOptions.def"
} // namespace deployment

/// The deployment options given on the command line; llm.weights is
/// relative to the input's folder.
void setDeploymentOptions(llmc::DeploymentOptions &options, StringRef modelDirectory) {
#define LLMC_OPTION(TYPE, FIELD, NAME, DEFAULT, HELP) options.FIELD = deployment::FIELD.getValue();
#define LLMC_LIST_OPTION(TYPE, FIELD, NAME, HELP)                                        \
  options.FIELD = SmallVector<TYPE>(deployment::FIELD.begin(), deployment::FIELD.end());
#include "llmc/Target/DeploymentOptions.def"
  options.modelDir = modelDirectory.str();
}

int fail(const Twine &message) {
  WithColor::error(errs(), "llmc") << message << "\n";
  return 1;
}

/// The target asked for, or an error that says what can be asked for.
FailureOr<const llmc::Target *> selectTarget() {
  if (targetName.empty()) {
    fail("no target given (-target=<name>); available targets: " +
         llmc::describeTargets());
    return failure();
  }
  const llmc::Target *target = llmc::lookupTarget(targetName);
  if (!target) {
    fail("unknown target '" + targetName +
         "'; available targets: " + llmc::describeTargets());
    return failure();
  }
  if (!target->isAvailable()) {
    fail("target '" + targetName + "' (" + target->getDescription() +
         ") is not available yet; available targets: " +
         llmc::describeTargets());
    return failure();
  }
  return target;
}

int compile(const llmc::Target &target, const llmc::TargetOptions &targetOptions) {
  mlir::DialectRegistry registry;
  llmc::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  // A message names its op's location; printing the op (a whole module for
  // a module-level error) buries it.
  context.printOpOnDiagnostic(false);

  std::string error;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::string importedWeights;
  // The weights the compiler derives (llm-const-eval-weights), beside the
  // output; removed on failure when this run created them.
  // A derived file of an earlier compile is set aside (renamed) while this
  // one runs, and restored if it fails: the earlier artifact keeps the
  // weights it reads.
  std::string derivedWeights, setAside;
  bool succeeded = false;
  auto removeWeights = llvm::make_scope_exit([&] {
    if (succeeded) {
      if (!setAside.empty())
        sys::fs::remove(setAside);
      return;
    }
    if (!importedWeights.empty())
      sys::fs::remove(importedWeights);
    if (!derivedWeights.empty()) {
      sys::fs::remove(derivedWeights);
      if (!setAside.empty())
        sys::fs::rename(setAside, derivedWeights);
    }
  });
  SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  // One model, or the two graphs of a prefill/decode export.
  std::string inputFilename = inputFilenames.empty() ? "-" : inputFilenames.front();
  if (inputFilenames.size() > 2)
    return fail("give one model, or the two ONNX graphs of a prefill/decode export");
  bool pair = inputFilenames.size() == 2;
  if (pair && !(StringRef(inputFilenames[0]).ends_with(".onnx") &&
                StringRef(inputFilenames[1]).ends_with(".onnx")))
    return fail("two inputs are the prefill and decode graphs of one export: both .onnx");
  bool imported = llmc::isImportable(inputFilename);
  // Paths in an imported module are relative to the output's folder.
  std::string outputDirectory =
      outputFilename == "-" ? "." : sys::path::parent_path(outputFilename).str();
  if (outputDirectory.empty())
    outputDirectory = ".";
  if (imported) {
    // A checkpoint folder or an ONNX model is imported as llmc-import would.
    Expected<mlir::OwningOpRef<mlir::ModuleOp>> result =
        pair ? llmc::importExportPair(&context, inputFilenames[0], inputFilenames[1],
                                      outputDirectory)
             : llmc::importModel(&context, inputFilename, outputDirectory);
    if (!result)
      return fail(toString(result.takeError()));
    module = std::move(*result);
    // The weights file written by the import (an ONNX model's) is output
    // too: it goes when the compilation fails. A checkpoint folder's own
    // weights are the user's and never go.
    for (const std::string &weights : llmc::llm::resolveWeightsPaths(*module, outputDirectory))
      if (!sys::fs::is_directory(inputFilename) ||
          !sys::fs::equivalent(sys::path::parent_path(weights), inputFilename))
        importedWeights = weights;
  } else {
    std::unique_ptr<MemoryBuffer> input =
        mlir::openInputFile(inputFilename, &error);
    if (!input)
      return fail(error);
    sourceMgr.AddNewSourceBuffer(std::move(input), SMLoc());
    module = mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
    if (!module)
      return 1; // The parser or the verifier has reported where and why.
  }

  mlir::DefaultTimingManager timing;
  mlir::applyDefaultTimingManagerCLOptions(timing);
  mlir::PassManager pm(&context);
  if (failed(mlir::applyPassManagerCLOptions(pm)))
    return 1;
  mlir::TimingScope rootTiming = timing.getRootScope();
  pm.enableTiming(rootTiming);
  // An imported module's weights were written for the output's folder.
  StringRef inputDirectory = sys::path::parent_path(inputFilename);
  std::string modelDirectory =
      imported ? outputDirectory : (inputDirectory.empty() ? "." : inputDirectory.str());
  if (!deployment::statsPromptLengths.empty() && deployment::maxSeqLen <= 0)
    return fail("--print-static-shape-stats needs --max-seq-len");
  llmc::DeploymentOptions deployment;
  setDeploymentOptions(deployment, modelDirectory);
  {
    // <output stem>.consteval.safetensors beside the output (the input's
    // stem when writing to standard output), named from the model directory.
    StringRef output = outputFilename == "-" ? StringRef(inputFilename) : StringRef(outputFilename);
    SmallString<256> derived(outputFilename == "-" ? StringRef(".") : sys::path::parent_path(output));
    sys::path::append(derived, sys::path::stem(output) + ".consteval.safetensors");
    derivedWeights = std::string(derived);
    std::vector<std::string> read = llmc::llm::resolveWeightsPaths(*module, modelDirectory);
    bool readByInput = llvm::any_of(read, [&](const std::string &path) {
      return sys::fs::equivalent(path, derivedWeights);
    });
    if (readByInput) {
      derivedWeights.clear(); // the input reads it: it is the input's, not ours
    } else if (sys::fs::exists(derivedWeights)) {
      setAside = derivedWeights + ".previous";
      if (sys::fs::rename(derivedWeights, setAside)) {
        setAside.clear();
        derivedWeights.clear(); // could not be set aside: never removed either
      }
    }
    StringRef outputDir = sys::path::parent_path(derived);
    deployment.derivedWeights =
        llmc::rebasePath(sys::path::filename(derived), outputDir.empty() ? "." : outputDir,
                         modelDirectory);
  }
  llmc::buildCompilationPipeline(pm, deployment, target, targetOptions);
  if (failed(pm.run(*module)))
    return 1;

  // Written only on success: ToolOutputFile removes the file unless kept.
  std::unique_ptr<ToolOutputFile> output =
      mlir::openOutputFile(outputFilename, &error);
  if (!output)
    return fail(error);
  // Keep `llm.weights` naming the same file from where the output lives.
  if (!imported)
    llmc::llm::rebaseWeightsPath(*module, inputFilename, outputFilename);
  if (failed(target.emit(*module, output->os(), outputFilename, targetOptions)))
    return 1;
  output->keep();
  succeeded = true;
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  llmc::registerAllPasses();
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  cl::ParseCommandLineOptions(
      argc, argv,
      "llmc: compiles a decoder-only language model for an NPU or CPU target\n");

  if (listTargets) {
    for (const llmc::Target *target : llmc::getRegisteredTargets()) {
      outs() << "  " << target->getName() << " - " << target->getDescription()
             << (target->isAvailable() ? "" : " (not available yet)") << "\n";
      // (The description column must clear the longest option, or MLIR's
      // help printer pads by a wrapped-around width.)
      if (target->isAvailable())
        target->createOptions()->printHelp(/*indent=*/4, /*descIndent=*/40);
    }
    return 0;
  }
  FailureOr<const llmc::Target *> target = selectTarget();
  if (failed(target))
    return 1;
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  std::unique_ptr<llmc::TargetOptions> targetOptions =
      llmc::parseTargetOptions(**target, targetOptionsText, errorStream);
  if (!targetOptions)
    return fail(errors);
  return compile(**target, *targetOptions);
}
