//===- llmc-run.cpp - the reference executor's command line ---------------===//
//
//   llmc-run MODEL [--entry FUNC] --inputs a.npy b.npy ... --outputs DIR
//   llmc-run MODEL --generate N --prompt-ids 1,2,3
//
// MODEL is an llm-dialect module (at any stage of the pipeline), a Hugging
// Face checkpoint directory or an .onnx file (imported on the fly; for ONNX,
// --inputs are the graph inputs in order and output_K the graph outputs). `--fp16` models
// an FP16-only device (docs/executor.md).
//
// Exit status: 0 on success, 2 for bad input (with a message), 77 when the
// module holds an op the executor does not implement, 1 otherwise.
//
//===----------------------------------------------------------------------===//
#include "llmc/Executor/Executor.h"
#include "llmc/Import/Import.h"
#include "llmc/InitAll.h"
#include "llmc/Support/Npy.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
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
cl::opt<unsigned> generate("generate",
                           cl::desc("Greedy-decode N tokens after a prefill "
                                    "of --prompt-ids"),
                           cl::init(0), cl::cat(category));
cl::list<int64_t> promptIds("prompt-ids", cl::desc("Prompt token ids"),
                            cl::CommaSeparated, cl::cat(category));
cl::opt<std::string> promptLogits("prompt-logits",
                                  cl::desc("With --generate: write the logits of the prompt's "
                                           "last token to this .npy file"),
                                  cl::cat(category));
cl::opt<bool> fp16("fp16", cl::desc("Model a device that computes only in FP16"),
                   cl::init(false), cl::cat(category));

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
  return fail(error.kind == RunError::Unsupported ? Unsupported : BadInput,
              error.message);
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
  if (outputDir.empty())
    return fail(BadInput, "--outputs DIR is required with --inputs");
  if (std::error_code ec = sys::fs::create_directories(outputDir))
    return fail(Failure, "cannot create " + outputDir + ": " + ec.message());
  for (auto [k, result] : llvm::enumerate(*results)) {
    SmallString<256> path(outputDir);
    sys::path::append(path, "output_" + std::to_string(k) + ".npy");
    if (Error e = writeNpy(path, toNpy(result)))
      return fail(Failure, toString(std::move(e)));
  }
  return Success;
}

/// Index of the largest logit of the last position; ties go to the lowest.
int64_t lastArgmax(const Tensor &logits) {
  int64_t vocab = logits.shape().back();
  const float *row = logits.floats() + logits.size() - vocab;
  int64_t best = 0;
  for (int64_t v = 1; v < vocab; ++v)
    if (row[v] > row[best])
      best = v;
  return best;
}

/// Writes the prompt's last-token logits when --prompt-logits asks for them.
int savePromptLogits(const Tensor &logits) {
  if (promptLogits.empty())
    return Success;
  int64_t vocab = logits.shape().back();
  std::vector<float> row(logits.floats() + logits.size() - vocab, logits.floats() + logits.size());
  if (Error e = writeNpy(promptLogits, toNpy(Tensor::fromFloats(DType::F32, {vocab}, row))))
    return fail(Failure, toString(std::move(e)));
  return Success;
}

int runGenerate(Executor &executor, mlir::func::FuncOp function) {
  if (promptIds.empty())
    return fail(BadInput, "--generate needs --prompt-ids");
  mlir::FunctionType type = function.getFunctionType();
  if (type.getNumInputs() < 2 || type.getNumResults() != type.getNumInputs() - 1)
    return fail(BadInput, "@" + function.getSymName() +
                              " does not have the model signature (ids, "
                              "positions, caches...) -> (logits, caches...)");
  std::vector<Tensor> state; // the caches
  for (mlir::Type t : type.getInputs().drop_front(2))
    state.push_back(emptyCacheFor(cast<mlir::RankedTensorType>(t)));
  std::vector<int64_t> tokens(promptIds.begin(), promptIds.end());
  std::vector<int64_t> generated;
  int64_t position = 0;
  while (generated.size() < generate) {
    int64_t count = int64_t(tokens.size());
    std::vector<int64_t> positions(count);
    for (int64_t i = 0; i < count; ++i)
      positions[i] = position + i;
    std::vector<Tensor> inputs{Tensor::fromInts(DType::I64, {1, count}, tokens),
                               Tensor::fromInts(DType::I64, {1, count}, positions)};
    inputs.insert(inputs.end(), state.begin(), state.end());
    RunError error;
    std::optional<std::vector<Tensor>> results = executor.run(function, inputs, error);
    if (!results)
      return reportRunError(error);
    if (generated.empty())
      if (int status = savePromptLogits((*results)[0]))
        return status;
    generated.push_back(lastArgmax((*results)[0]));
    state.assign(results->begin() + 1, results->end());
    position += count;
    tokens = {generated.back()};
  }
  outs() << join(map_range(generated, [](int64_t v) { return std::to_string(v); }), " ")
         << "\n";
  return Success;
}

/// The static programs of llm-static-shapes: the prompt runs through the
/// smallest prefill program that holds what is left of it, else chunks of
/// the chunk (or largest) program, then @decode once per token; caches are
/// the programs' fixed buffers, threaded through.
int runStaticGenerate(Executor &executor, mlir::ModuleOp module) {
  if (promptIds.empty())
    return fail(BadInput, "--generate needs --prompt-ids");
  auto slotsAttr = module->getAttrOfType<mlir::IntegerAttr>("llm.max_seq_len");
  auto chunkAttr = module->getAttrOfType<mlir::IntegerAttr>("llm.prefill_chunk");
  mlir::func::FuncOp decode;
  std::map<int64_t, mlir::func::FuncOp> prefills;
  for (auto f : module.getOps<mlir::func::FuncOp>()) {
    auto phase = f->getAttrOfType<mlir::StringAttr>("llm.phase");
    auto tokens = f->getAttrOfType<mlir::IntegerAttr>("llm.tokens");
    if (!phase || !tokens)
      continue;
    if (phase.getValue() == "decode")
      decode = f;
    else
      prefills[tokens.getInt()] = f;
  }
  if (!decode)
    return fail(BadInput, "the static module has no @decode program");
  int64_t slots = slotsAttr.getInt();
  if (int64_t(promptIds.size() + generate) > slots + 1)
    return fail(BadInput, "a prompt of " + std::to_string(promptIds.size()) + " tokens and " +
                              std::to_string(generate) + " generated ones do not fit " +
                              std::to_string(slots) + " cache slots");
  std::vector<Tensor> state;
  for (mlir::Type t : decode.getFunctionType().getInputs().drop_front(3))
    state.push_back(emptyCacheFor(cast<mlir::RankedTensorType>(t))); // all slots zero
  int64_t position = 0;
  auto call = [&](mlir::func::FuncOp program, ArrayRef<int64_t> tokens) -> std::optional<Tensor> {
    int64_t n = program->getAttrOfType<mlir::IntegerAttr>("llm.tokens").getInt();
    std::vector<int64_t> ids(tokens.begin(), tokens.end());
    ids.resize(n, 0); // padding
    std::vector<Tensor> inputs{Tensor::fromInts(DType::I64, {1, n}, ids),
                               Tensor::fromInts(DType::I64, {}, {position}),
                               Tensor::fromInts(DType::I64, {}, {int64_t(tokens.size())})};
    inputs.insert(inputs.end(), state.begin(), state.end());
    RunError error;
    std::optional<std::vector<Tensor>> results = executor.run(program, inputs, error);
    if (!results) {
      reportRunError(error);
      return std::nullopt;
    }
    state.assign(results->begin() + 1, results->end());
    position += int64_t(tokens.size());
    return (*results)[0];
  };
  ArrayRef<int64_t> rest(promptIds);
  std::optional<Tensor> logits;
  while (!rest.empty()) {
    mlir::func::FuncOp program = decode;
    auto fits = prefills.lower_bound(int64_t(rest.size()));
    if (fits != prefills.end())
      program = fits->second;
    else if (chunkAttr && prefills.count(chunkAttr.getInt()))
      program = prefills[chunkAttr.getInt()];
    else if (!prefills.empty())
      program = prefills.rbegin()->second;
    int64_t n = program->getAttrOfType<mlir::IntegerAttr>("llm.tokens").getInt();
    int64_t take = std::min<int64_t>(n, rest.size());
    logits = call(program, rest.take_front(take));
    if (!logits)
      return BadInput;
    rest = rest.drop_front(take);
  }
  if (int status = savePromptLogits(*logits))
    return status;
  std::vector<int64_t> generated{lastArgmax(*logits)};
  while (generated.size() < generate) {
    logits = call(decode, {generated.back()});
    if (!logits)
      return BadInput;
    generated.push_back(lastArgmax(*logits));
  }
  outs() << join(map_range(generated, [](int64_t v) { return std::to_string(v); }), " ")
         << "\n";
  return Success;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  std::vector<std::string> storage;
  std::vector<const char *> args = joinInputs(argc, argv, storage);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(int(args.size()), args.data(),
                              "llmc-run: the reference executor of the llm dialect\n");

  mlir::DialectRegistry registry;
  llmc::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  mlir::OwningOpRef<mlir::ModuleOp> module;
  ExecutorOptions options;
  options.fp16 = fp16;
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
  if (generate > 0 && entry.empty() && (*module)->hasAttr("llm.max_seq_len")) {
    Executor executor(*module, options);
    return runStaticGenerate(executor, *module);
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

  Executor executor(*module, options);
  if (generate > 0)
    return runGenerate(executor, function);
  return runWithInputs(executor, function);
}
