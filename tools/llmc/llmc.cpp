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
#include "llmc/Import/Import.h"
#include "llmc/InitAll.h"
#include "llmc/Support/WeightsPath.h"
#include "llmc/Target/Deployment.h"
#include "llmc/Target/Target.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
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

cl::opt<std::string> inputFilename(cl::Positional,
                                   cl::desc("<model.mlir | checkpoint-dir>"),
                                   cl::init("-"), cl::cat(driverCategory));

cl::opt<std::string> outputFilename("o", cl::desc("Output file ('-' is stdout)"),
                                    cl::value_desc("file"), cl::init("-"),
                                    cl::cat(driverCategory));

cl::opt<std::string> targetName("target",
                                cl::desc("Target to compile for (see "
                                         "--list-targets)"),
                                cl::value_desc("name"), cl::cat(driverCategory));

cl::opt<bool> listTargets("list-targets",
                          cl::desc("Print the targets and exit"),
                          cl::init(false), cl::cat(driverCategory));

cl::OptionCategory deploymentCategory("llmc deployment options (static programs, baked prefix)");

cl::opt<int64_t> maxSeqLen("max-seq-len",
                           cl::desc("Compile static prefill/decode programs over caches of "
                                    "this many slots (llm-static-shapes)"),
                           cl::init(0), cl::cat(deploymentCategory));
cl::list<int64_t> prefillBuckets("prefill-buckets", cl::desc("Static prefill lengths"),
                                 cl::CommaSeparated, cl::cat(deploymentCategory));
cl::opt<int64_t> prefillChunk("prefill-chunk",
                              cl::desc("Prefill program long prompts run through in chunks"),
                              cl::init(0), cl::cat(deploymentCategory));
cl::opt<int64_t> batch("batch", cl::desc("Sequences per call"), cl::init(1),
                       cl::cat(deploymentCategory));
cl::opt<std::string> mlaForm("mla-form",
                             cl::desc("Latent attention: naive, absorbed or auto (fewer FLOPs "
                                      "per program)"),
                             cl::init("auto"), cl::cat(deploymentCategory));
cl::list<int64_t> bakePrefix("bake-prefix",
                             cl::desc("Token ids of a fixed prompt prefix whose KV caches are "
                                      "computed now and shipped in the output"),
                             cl::CommaSeparated, cl::cat(deploymentCategory));
cl::opt<bool> fp16Safety("fp16-safety",
                         cl::desc("Rewrite what can overflow on an FP16-only device (norms, "
                                  "attention scores; llm-fp16-safety)"),
                         cl::init(false), cl::cat(deploymentCategory));
cl::opt<bool> reportFP16Hazards("report-fp16-hazards",
                                cl::desc("Print the FP16 hazards found, their proven ranges "
                                         "and what was fixed (implies --fp16-safety)"),
                                cl::init(false), cl::cat(deploymentCategory));
cl::opt<std::string> normStrategy("norm-strategy",
                                  cl::desc("How --fp16-safety makes norms safe: dynamic (each row "
                                           "scaled by its max |x|), static (a power-of-two "
                                           "pre-scale from --calibrate) or none; default: the "
                                           "target's"),
                                  cl::cat(deploymentCategory));
cl::opt<std::string> calibrate("calibrate",
                               cl::desc("Record each op's value range on the prompts of this "
                                        "file (token ids, one prompt per line); the FP16 "
                                        "hazard report prints them"),
                               cl::value_desc("prompts.txt"), cl::cat(deploymentCategory));
cl::list<int64_t> statsLengths("print-static-shape-stats",
                               cl::desc("Print the static programs' prefill FLOPs for prompts "
                                        "of these lengths"),
                               cl::CommaSeparated, cl::cat(deploymentCategory));

/// The deployment options given on the command line; llm.weights is
/// relative to the input's folder.
void setDeploymentOptions(llmc::DeploymentOptions &options, StringRef modelDirectory) {
  options.maxSeqLen = maxSeqLen.getValue();
  options.prefillBuckets = SmallVector<int64_t>(prefillBuckets.begin(), prefillBuckets.end());
  options.prefillChunk = prefillChunk.getValue();
  options.batch = batch.getValue();
  options.mlaForm = mlaForm.getValue();
  options.bakePrefix = SmallVector<int64_t>(bakePrefix.begin(), bakePrefix.end());
  options.modelDir = modelDirectory.str();
  options.statsPromptLengths = SmallVector<int64_t>(statsLengths.begin(), statsLengths.end());
  options.fp16Safety = fp16Safety.getValue();
  options.reportFP16Hazards = reportFP16Hazards.getValue();
  options.normStrategy = normStrategy.getValue();
  options.calibrate = calibrate.getValue();
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

int compile(const llmc::Target &target) {
  mlir::DialectRegistry registry;
  llmc::registerAllDialects(registry);
  mlir::MLIRContext context(registry);

  std::string error;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  bool imported = llmc::isImportable(inputFilename);
  // Paths in an imported module are relative to the output's folder.
  std::string outputDirectory =
      outputFilename == "-" ? "." : sys::path::parent_path(outputFilename).str();
  if (outputDirectory.empty())
    outputDirectory = ".";
  if (imported) {
    // A checkpoint folder or an ONNX model is imported as llmc-import would.
    Expected<mlir::OwningOpRef<mlir::ModuleOp>> result =
        llmc::importModel(&context, inputFilename, outputDirectory);
    if (!result)
      return fail(toString(result.takeError()));
    module = std::move(*result);
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
  if (!statsLengths.empty() && maxSeqLen <= 0)
    return fail("--print-static-shape-stats needs --max-seq-len");
  llmc::DeploymentOptions deployment;
  setDeploymentOptions(deployment, modelDirectory);
  llmc::buildDeploymentPipeline(pm, deployment, target);
  target.buildPipeline(pm);
  if (failed(pm.run(*module)))
    return 1;

  // Written only on success: ToolOutputFile removes the file unless kept.
  std::unique_ptr<ToolOutputFile> output =
      mlir::openOutputFile(outputFilename, &error);
  if (!output)
    return fail(error);
  // Keep `llm.weights` naming the same file from where the output lives.
  if (!imported)
    llmc::rebaseWeightsPath(*module, inputFilename, outputFilename);
  if (failed(target.emit(*module, output->os())))
    return 1;
  output->keep();
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
    for (const llmc::Target *target : llmc::getRegisteredTargets())
      outs() << "  " << target->getName() << " - " << target->getDescription()
             << (target->isAvailable() ? "" : " (not available yet)") << "\n";
    return 0;
  }
  FailureOr<const llmc::Target *> target = selectTarget();
  if (failed(target))
    return 1;
  return compile(**target);
}
