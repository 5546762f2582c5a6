//===- llmc-import.cpp - checkpoints to llm-dialect modules ---------------===//
//
//   llmc-import <checkpoint-dir> -o model.mlir [--dtype f16|bf16|f32]
//   llmc-import model.onnx -o model.mlir [--bind NAME=value.npy] [--weights-file F]
//
// A Hugging Face checkpoint (config.json + safetensors) becomes a module
// that reads its weights from the checkpoint; an ONNX model becomes a module
// whose large initializers are written to a side safetensors file. Errors
// name the file, tensor, node or config key; no module is written on failure.
//
//===----------------------------------------------------------------------===//
#include "llmc/Import/Checkpoint.h"
#include "llmc/Import/ONNX.h"
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
static cl::opt<std::string> inputDir(cl::Positional,
                                     cl::desc("<checkpoint-dir | model.onnx>"),
                                     cl::cat(category));
static cl::opt<std::string> outputFile("o", cl::desc("Output file ('-' is stdout)"),
                                       cl::value_desc("file"), cl::init("-"),
                                       cl::cat(category));
static cl::opt<std::string> dtypeName(
    "dtype", cl::desc("Element type of the program: f32, f16 or bf16 (default: "
                      "as stored)"),
    cl::value_desc("type"), cl::cat(category));

static cl::list<std::string> bindings(
    "bind", cl::desc("ONNX: give graph input NAME the value of a .npy file at "
                     "import time (NAME=file.npy)"),
    cl::value_desc("NAME=file.npy"), cl::cat(category));
static cl::opt<std::string> weightsFile(
    "weights-file",
    cl::desc("ONNX: where to write the initializers (default: "
             "<model>.weights.safetensors next to the output)"),
    cl::value_desc("file"), cl::cat(category));

static cl::opt<bool> noRaise("no-raise",
                             cl::desc("ONNX: keep the generic form (no llm-raise)"),
                             cl::init(false), cl::cat(category));
static cl::opt<bool> listOps("list-onnx-ops",
                             cl::desc("Print the ONNX operators the importer translates and exit"),
                             cl::init(false), cl::cat(category));

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
  if (listOps) {
    for (const std::string &op : llmc::supportedONNXOps())
      outs() << op << "\n";
    return 0;
  }
  if (inputDir.empty())
    return fail("no input (a checkpoint folder or an .onnx file)");

  llmc::CheckpointImportOptions options;
  if (!dtypeName.empty()) {
    std::optional<llmc::DType> dtype = llmc::parseFloatDType(dtypeName);
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
      mlir::OwningOpRef<mlir::ModuleOp>();
  if (StringRef(inputDir).ends_with(".onnx")) {
    llmc::ONNXImportOptions onnxOptions;
    onnxOptions.outputDirectory = options.outputDirectory;
    onnxOptions.weightsFile = weightsFile;
    onnxOptions.raise = !noRaise;
    for (const std::string &binding : bindings) {
      auto [name, file] = StringRef(binding).split('=');
      if (name.empty() || file.empty())
        return fail("--bind takes NAME=file.npy, not '" + binding + "'");
      Expected<llmc::NpyArray> array = llmc::readNpy(file);
      if (!array)
        return fail(toString(array.takeError()));
      onnxOptions.boundInputs[name] = std::move(*array);
    }
    module = llmc::importONNX(&context, inputDir, onnxOptions);
  } else {
    module = llmc::importCheckpoint(&context, inputDir, options);
  }
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
