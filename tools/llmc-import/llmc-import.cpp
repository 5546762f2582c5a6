//===- llmc-import.cpp - checkpoints to llm-dialect modules ---------------===//
//
//   llmc-import <checkpoint-dir> -o model.mlir [--dtype f16|bf16|f32]
//
// Reads config.json and the safetensors header(s) of a Hugging Face
// checkpoint and writes the model as an llm-dialect module that reads its
// weights from the checkpoint. Errors name the file, tensor or config key;
// nothing is written on failure.
//
//===----------------------------------------------------------------------===//
#include "llmc/Import/Checkpoint.h"
#include "llmc/InitAll.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

static cl::OptionCategory category("llmc-import options");
static cl::opt<std::string> inputDir(cl::Positional, cl::Required,
                                     cl::desc("<checkpoint-dir>"), cl::cat(category));
static cl::opt<std::string> outputFile("o", cl::desc("Output file ('-' is stdout)"),
                                       cl::value_desc("file"), cl::init("-"),
                                       cl::cat(category));
static cl::opt<std::string> dtypeName(
    "dtype", cl::desc("Element type of the program: f32, f16 or bf16 (default: "
                      "as stored)"),
    cl::value_desc("type"), cl::cat(category));

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "llmc-import: Hugging Face checkpoint (config.json + safetensors) to an "
      "llm-dialect module\n");
  auto fail = [](const Twine &message) {
    WithColor::error(errs(), "llmc-import") << message << "\n";
    return 1;
  };

  llmc::CheckpointImportOptions options;
  if (!dtypeName.empty()) {
    std::optional<llmc::DType> dtype = StringSwitch<std::optional<llmc::DType>>(dtypeName)
                                           .Case("f32", llmc::DType::F32)
                                           .Case("f16", llmc::DType::F16)
                                           .Case("bf16", llmc::DType::BF16)
                                           .Default(std::nullopt);
    if (!dtype)
      return fail("--dtype must be f32, f16 or bf16, not '" + dtypeName + "'");
    options.dtype = dtype;
  }
  if (outputFile != "-")
    options.outputDirectory = sys::path::parent_path(outputFile).str();

  mlir::DialectRegistry registry;
  llmc::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  Expected<mlir::OwningOpRef<mlir::ModuleOp>> module =
      llmc::importCheckpoint(&context, inputDir, options);
  if (!module)
    return fail(toString(module.takeError()));

  std::string error;
  std::unique_ptr<ToolOutputFile> out = mlir::openOutputFile(outputFile, &error);
  if (!out)
    return fail(error);
  (**module)->print(out->os());
  out->os() << "\n";
  out->keep();
  return 0;
}
