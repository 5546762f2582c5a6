//===- NPUProgram.cpp - an NPU artifact as a runtime program --------------===//
#include "NPUProgram.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstring>

using namespace llmc;
using namespace llmc::npu;

static std::optional<DType> dtypeOf(npub::ElementType type) {
  switch (type) {
  case npub::ElementType::F16: return DType::F16;
  case npub::ElementType::F32: return DType::F32;
  case npub::ElementType::I8: return DType::I8;
  case npub::ElementType::I32: return DType::I32;
  case npub::ElementType::I64: return DType::I64;
  case npub::ElementType::Bool: return DType::I1;
  }
  return std::nullopt;
}

static runtime::TensorSpec specOf(const npub::Tensor &t) {
  runtime::TensorSpec spec;
  spec.dtype = dtypeOf(t.type()).value_or(DType::F32);
  spec.shape.assign(t.shape()->begin(), t.shape()->end());
  return spec;
}

llvm::Expected<std::unique_ptr<NPUProgram>> NPUProgram::load(llvm::StringRef path) {
  llvm::Expected<Artifact> artifact = Artifact::load(path);
  if (!artifact)
    return artifact.takeError();
  std::unique_ptr<NPUProgram> program(new NPUProgram());
  program->loaded = std::make_unique<Artifact>(std::move(*artifact));
  const npub::Artifact &root = program->loaded->root();
  std::vector<uint8_t> weights;
  if (root.weights_bytes() > 0) {
    if (!root.weights_file())
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     path + ": the artifact names no weights file");
    llvm::SmallString<256> file(llvm::sys::path::parent_path(path));
    llvm::sys::path::append(file, root.weights_file()->str());
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
        llvm::MemoryBuffer::getFile(file, /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (!buffer)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     file + ": cannot read: " + buffer.getError().message());
    const auto *data = reinterpret_cast<const uint8_t *>((*buffer)->getBufferStart());
    weights.assign(data, data + (*buffer)->getBufferSize());
  }
  llvm::Expected<Machine> machine = Machine::create(*program->loaded, weights);
  if (!machine)
    return machine.takeError();
  program->machine.emplace(std::move(*machine));

  // Static programs: prefill_<N>, decode and a baked prefix, with caches
  // as the inputs in the cache region.
  runtime::GenerationABI abi;
  abi.form = runtime::GenerationABI::Form::Static;
  abi.maxSeqLen = root.max_seq_len();
  for (const npub::Program *p : *root.programs()) {
    std::string phase = p->phase() ? p->phase()->str() : "";
    std::string name = p->name()->str();
    if (phase == "decode") {
      abi.decode = name;
      if (p->inputs())
        for (const npub::Tensor *t : *p->inputs())
          if (t->address()->memory() == npub::Memory::Cache)
            abi.caches.push_back(specOf(*t));
    } else if (phase == "prefill") {
      abi.prefills[p->tokens()] = name;
    } else if (phase == "prefix") {
      abi.prefix = name;
      abi.prefixTokens = root.prefix_tokens();
    }
  }
  if (!abi.decode.empty())
    program->abi = abi;
  return program;
}

std::optional<std::vector<runtime::Tensor>>
NPUProgram::call(llvm::StringRef name, llvm::ArrayRef<runtime::Tensor> inputs,
                 runtime::RunError &error) {
  const npub::Program *program = loaded->program(name);
  if (!program) {
    error = {runtime::RunError::BadInput, "the artifact has no program '" + name.str() + "'"};
    return std::nullopt;
  }
  size_t expected = program->inputs() ? program->inputs()->size() : 0;
  if (inputs.size() != expected) {
    error = {runtime::RunError::BadInput, name.str() + " takes " + std::to_string(expected) +
                                              " inputs, got " + std::to_string(inputs.size())};
    return std::nullopt;
  }
  for (size_t i = 0; i < expected; ++i) {
    const npub::Tensor &t = *program->inputs()->Get(i);
    runtime::TensorSpec spec = specOf(t);
    if (inputs[i].shape() != llvm::ArrayRef<int64_t>(spec.shape) ||
        inputs[i].isFloat() != isFloat(spec.dtype)) {
      error = {runtime::RunError::BadInput, "input #" + std::to_string(i) + " is " +
                                                inputs[i].describe() + ", " + name.str() +
                                                " takes " + t.name()->str()};
      return std::nullopt;
    }
    // A prefill or decode program's token ids index the vocabulary (the
    // logits' width): the device would read the nearest row of another.
    std::string phase = program->phase() ? program->phase()->str() : "";
    if (i == 0 && (phase == "prefill" || phase == "decode") && !inputs[i].isFloat() &&
        program->outputs() && program->outputs()->size() > 0) {
      const auto *logits = program->outputs()->Get(0)->shape();
      int64_t vocabulary = logits && logits->size() ? logits->Get(logits->size() - 1) : 0;
      for (int64_t k = 0; k < inputs[i].size(); ++k) {
        int64_t id = inputs[i].ints()[k];
        if (id < 0 || id >= vocabulary) {
          error = {runtime::RunError::BadInput,
                   "token id " + std::to_string(id) + " is outside the vocabulary [0, " +
                       std::to_string(vocabulary) + ")"};
          return std::nullopt;
        }
      }
    }
    std::vector<char> bytes = inputs[i].toBytes(spec.dtype);
    llvm::MutableArrayRef<uint8_t> memory = machine->memory(t.address()->memory());
    std::memcpy(memory.data() + t.address()->offset(), bytes.data(), bytes.size());
  }
  RunStats &mine = perProgram[name.str()];
  RunStats run;
  run.recordCommands = record;
  llvm::Error e = machine->run(name, &run);
  if (e) {
    error = {runtime::RunError::BadInput, llvm::toString(std::move(e))};
    return std::nullopt;
  }
  // Each run follows the ones before on the session's timeline.
  for (RunStats::CommandCost &cost : run.perCommand)
    cost.runStart = total.cycles;
  for (RunStats *sum : {&total, &mine})
    sum->add(run, sum == &mine && record);
  std::vector<runtime::Tensor> outputs;
  if (program->outputs())
    for (const npub::Tensor *t : *program->outputs()) {
      runtime::TensorSpec spec = specOf(*t);
      llvm::MutableArrayRef<uint8_t> memory = machine->memory(t->address()->memory());
      outputs.push_back(runtime::Tensor::fromBytes(
          spec.dtype, spec.dtype, spec.shape,
          reinterpret_cast<const char *>(memory.data() + t->address()->offset())));
    }
  return outputs;
}
