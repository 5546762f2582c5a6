//===- Artifact.cpp - an NPU artifact, loaded and verified ----------------===//
#include "Artifact.h"

#include "SchemaHash.h"

#include "llvm/Support/MemoryBuffer.h"

#include <set>

using namespace llmc;
using namespace llmc::npu;

uint64_t npu::schemaHash() { return LLMC_NPUB_SCHEMA_HASH; }

int64_t npu::elementBytes(npub::ElementType type) {
  switch (type) {
  case npub::ElementType::F16:
    return 2;
  case npub::ElementType::F32:
  case npub::ElementType::I32:
    return 4;
  case npub::ElementType::I64:
    return 8;
  case npub::ElementType::I8:
  case npub::ElementType::Bool:
    return 1;
  }
  return 0;
}

std::optional<int64_t> npu::viewExtent(const npub::View &view) {
  const auto *shape = view.shape();
  const auto *strides = view.strides();
  int64_t bytes = elementBytes(view.type());
  if (!view.address() || !shape || !strides || shape->size() != strides->size() ||
      shape->size() == 0 || shape->size() > kMaxRank || bytes == 0)
    return std::nullopt;
  // The farthest element: sum (size - 1) * stride, each term bounded so
  // that nothing overflows.
  const int64_t limit = int64_t(1) << 48;
  int64_t last = 0;
  bool empty = false;
  for (unsigned d = 0; d < shape->size(); ++d) {
    int64_t size = shape->Get(d), stride = strides->Get(d);
    if (size < 0 || size > limit || stride < 0 || stride > limit)
      return std::nullopt;
    empty |= size == 0;
    if (size > 0 && stride > 0 && (size - 1) > limit / stride)
      return std::nullopt;
    last += size > 0 ? (size - 1) * stride : 0;
    if (last > limit)
      return std::nullopt;
  }
  int64_t offset = view.address()->offset();
  if (offset < 0 || offset > limit)
    return std::nullopt;
  return empty ? offset : offset + (last + 1) * bytes;
}

namespace {

llvm::Error failure(llvm::StringRef source, const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), source + ": " + what);
}

/// Checks what the schema cannot state, naming the place at fault.
class Checker {
public:
  Checker(const npub::Artifact &root, const Description &desc,
          const std::map<npub::Memory, int64_t> &regions)
      : root(root), desc(desc), regions(regions) {}

  std::string problem;

  bool fail(const std::string &where, const std::string &why) {
    if (problem.empty())
      problem = where + ": " + why;
    return false;
  }

  /// An address inside a region the artifact has (its register part is
  /// checked when the command runs).
  bool address(const npub::Address *a, const std::string &where) {
    if (!a)
      return fail(where, "no address");
    if (a->register_() < -1 || a->register_() >= kScalarRegisters)
      return fail(where, "register s" + std::to_string(a->register_()) + " does not exist");
    if (a->memory() > npub::Memory::MAX)
      return fail(where, "unknown memory");
    if (!regions.count(a->memory()))
      return fail(where, std::string("memory ") + npub::EnumNameMemory(a->memory()) +
                             " has no region in the artifact");
    return true;
  }

  bool view(const npub::View *v, const std::string &where) {
    if (!v)
      return fail(where, "no view");
    if (!address(v->address(), where))
      return false;
    std::optional<int64_t> extent = viewExtent(*v);
    if (!extent)
      return fail(where, "malformed view (1 to 4 dimensions, as many strides, sizes and strides "
                         "not negative, element type known)");
    int64_t bytes = regions.at(v->address()->memory());
    if (*extent > bytes)
      return fail(where, "view reaches byte " + std::to_string(*extent) + " of memory " +
                             npub::EnumNameMemory(v->address()->memory()) + ", which has " +
                             std::to_string(bytes));
    return true;
  }

  bool command(const npub::Command *c, unsigned index, const std::string &where) {
    if (!c)
      return fail(where, "missing");
    if (const auto *waits = c->waits())
      for (uint32_t w : *waits)
        if (w >= index)
          return fail(where, "waits for command " + std::to_string(w) +
                                 ", which does not come before it");
    switch (c->operation_type()) {
    case npub::Operation::Copy: {
      if (c->unit() != npub::Unit::DMA)
        return fail(where, "a copy runs on a DMA engine");
      if (c->engine() >= desc.dmaEngines)
        return fail(where, "DMA engine " + std::to_string(c->engine()) + " does not exist (the " +
                               desc.name + " NPU has " + std::to_string(desc.dmaEngines) + ")");
      const npub::Copy *copy = c->operation_as_Copy();
      return view(copy->src(), where + " src") && view(copy->dst(), where + " dst");
    }
    case npub::Operation::MatMul: {
      if (c->unit() != npub::Unit::Matrix)
        return fail(where, "a matmul runs on the matrix unit");
      const npub::MatMul *m = c->operation_as_MatMul();
      return view(m->a(), where + " a") && view(m->b(), where + " b") &&
             view(m->c(), where + " c");
    }
    case npub::Operation::Vector: {
      if (c->unit() != npub::Unit::Vector)
        return fail(where, "a vector operation runs on the vector unit");
      const npub::Vector *v = c->operation_as_Vector();
      if (v->op() > npub::VectorOp::MAX || v->comparison() > npub::Comparison::MAX)
        return fail(where, "unknown vector operation");
      return view(v->dst(), where + " dst") && view(v->src0(), where + " src0") &&
             (!v->src1() || view(v->src1(), where + " src1")) &&
             (!v->src2() || view(v->src2(), where + " src2"));
    }
    case npub::Operation::Reduce: {
      if (c->unit() != npub::Unit::Vector)
        return fail(where, "a reduction runs on the vector unit");
      const npub::Reduce *r = c->operation_as_Reduce();
      if (r->op() > npub::ReduceOp::MAX)
        return fail(where, "unknown reduction");
      return view(r->dst(), where + " dst") && view(r->src(), where + " src");
    }
    case npub::Operation::Scalar: {
      if (c->unit() != npub::Unit::Scalar)
        return fail(where, "a scalar operation runs on the scalar unit");
      const npub::Scalar *s = c->operation_as_Scalar();
      if (s->op() > npub::ScalarOp::MAX || s->dst() >= kScalarRegisters ||
          s->a() < -1 || s->a() >= kScalarRegisters || s->b() < -1 ||
          s->b() >= kScalarRegisters)
        return fail(where, "unknown scalar operation or register");
      if (s->op() == npub::ScalarOp::Load && !address(s->source(), where + " source"))
        return false;
      return true;
    }
    default:
      return fail(where, "no operation");
    }
  }

  bool tensors(const flatbuffers::Vector<flatbuffers::Offset<npub::Tensor>> *list,
               const std::string &where) {
    if (!list)
      return true;
    for (unsigned i = 0; i < list->size(); ++i) {
      const npub::Tensor *t = list->Get(i);
      std::string at = where + " #" + std::to_string(i);
      if (!t || !t->name() || !t->shape() || !address(t->address(), at))
        return fail(at, "needs a name, a shape and an address");
      int64_t count = elementBytes(t->type());
      for (int64_t d : *t->shape()) {
        if (d < 0 || d > (int64_t(1) << 40) || count > (int64_t(1) << 48) / std::max<int64_t>(1, d))
          return fail(at, "malformed shape");
        count *= d;
      }
      if (t->address()->register_() != -1 || t->address()->offset() < 0 ||
          t->address()->offset() > regions.at(t->address()->memory()) - count)
        return fail(at, "lies outside its memory");
    }
    return true;
  }

  bool check() {
    if (!root.programs() || root.programs()->size() == 0)
      return fail("programs", "none");
    std::set<std::string> names;
    for (unsigned p = 0; p < root.programs()->size(); ++p) {
      const npub::Program *program = root.programs()->Get(p);
      std::string where = "program #" + std::to_string(p);
      if (!program || !program->name() || !program->commands())
        return fail(where, "needs a name and commands");
      where = "program " + program->name()->str();
      if (!names.insert(program->name()->str()).second)
        return fail(where, "defined twice");
      if (!tensors(program->inputs(), where + " input") ||
          !tensors(program->outputs(), where + " output"))
        return false;
      for (unsigned i = 0; i < program->commands()->size(); ++i)
        if (!command(program->commands()->Get(i), i, where + " command #" + std::to_string(i)))
          return false;
    }
    return true;
  }

private:
  const npub::Artifact &root;
  const Description &desc;
  const std::map<npub::Memory, int64_t> &regions;
};

} // namespace

llvm::Expected<Artifact> Artifact::load(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!file)
    return failure(path, "cannot read: " + file.getError().message());
  const auto *data = reinterpret_cast<const uint8_t *>((*file)->getBufferStart());
  return fromBytes(std::vector<uint8_t>(data, data + (*file)->getBufferSize()), path);
}

llvm::Expected<Artifact> Artifact::fromBytes(std::vector<uint8_t> bytes, llvm::StringRef source) {
  if (bytes.size() < 8 || !flatbuffers::BufferHasIdentifier(bytes.data(), npub::ArtifactIdentifier(),
                                                            /*size_prefixed=*/true))
    return failure(source, "not an NPU artifact (no NPUB identifier)");
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  if (!npub::VerifySizePrefixedArtifactBuffer(verifier))
    return failure(source, "corrupted or truncated NPU artifact (the FlatBuffers verifier "
                           "rejects it)");
  Artifact artifact;
  artifact.bytes = std::move(bytes);
  const npub::Artifact &root = artifact.root();
  const npub::Version *version = root.version();
  if (!version || version->major() != kFormatMajor)
    return failure(source, "artifact format " +
                               (version ? std::to_string(version->major()) + "." +
                                              std::to_string(version->minor())
                                        : std::string("(none)")) +
                               ", this build reads " + std::to_string(kFormatMajor) + "." +
                               std::to_string(kFormatMinor));
  if (root.schema_hash() != schemaHash())
    return failure(source, "written with another schema (hash mismatch): recompile it");
  if (!root.description())
    return failure(source, "no NPU description");
  llvm::Expected<Description> desc =
      parseDescription(root.description()->string_view(), (source + " description").str());
  if (!desc)
    return desc.takeError();
  artifact.desc = std::move(*desc);
  if (root.regions())
    for (const npub::Region *region : *root.regions()) {
      if (!region || region->memory() > npub::Memory::MAX || region->bytes() < 0 ||
          region->bytes() > (int64_t(1) << 40) || artifact.regions.count(region->memory()))
        return failure(source, "malformed or repeated memory region");
      artifact.regions[region->memory()] = region->bytes();
    }
  auto size = [&](npub::Memory m) { return artifact.regionBytes(m); };
  if (size(npub::Memory::SRAM) > artifact.desc.sramBytes)
    return failure(source, "uses " + std::to_string(size(npub::Memory::SRAM)) +
                               " bytes of SRAM; the " + artifact.desc.name + " NPU has " +
                               std::to_string(artifact.desc.sramBytes));
  int64_t constants = root.constants() ? root.constants()->size() : 0;
  if (constants != size(npub::Memory::Const))
    return failure(source, "the const region has " + std::to_string(size(npub::Memory::Const)) +
                               " bytes, its data " + std::to_string(constants));
  if (root.cache_init() && root.cache_init()->size() != 0 &&
      int64_t(root.cache_init()->size()) != size(npub::Memory::Cache))
    return failure(source, "the cache's initial contents are not the cache region's size");
  if (root.weights_bytes() != size(npub::Memory::Weights))
    return failure(source, "the weights region is not the weights file's size");
  Checker checker(root, artifact.desc, artifact.regions);
  if (!checker.check())
    return failure(source, checker.problem);
  return artifact;
}

const npub::Artifact &Artifact::root() const {
  return *npub::GetSizePrefixedArtifact(bytes.data());
}

int64_t Artifact::regionBytes(npub::Memory memory) const {
  auto it = regions.find(memory);
  return it == regions.end() ? 0 : it->second;
}

const npub::Program *Artifact::program(llvm::StringRef name) const {
  for (const npub::Program *p : *root().programs())
    if (llvm::StringRef(p->name()->c_str(), p->name()->size()) == name)
      return p;
  return nullptr;
}

void npu::finishArtifact(flatbuffers::FlatBufferBuilder &builder,
                         flatbuffers::Offset<npub::Artifact> root) {
  npub::FinishSizePrefixedArtifactBuffer(builder, root);
}
