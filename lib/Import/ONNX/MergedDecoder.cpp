//===- MergedDecoder.cpp - the merged decoder's cache branch --------------===//
#include "MergedDecoder.h"

using namespace llmc;

namespace {

/// The names in `inputs` that the nodes of `graph` (and of the graphs
/// nested in them) read.
void collectReads(const onnx::GraphProto &graph, const llvm::StringSet<> &inputs,
                  llvm::StringSet<> &reads) {
  for (const onnx::NodeProto &node : graph.node()) {
    for (const std::string &name : node.input())
      if (inputs.contains(name))
        reads.insert(name);
    for (const onnx::AttributeProto &attribute : node.attribute()) {
      if (attribute.has_g())
        collectReads(attribute.g(), inputs, reads);
      for (const onnx::GraphProto &nested : attribute.graphs())
        collectReads(nested, inputs, reads);
    }
  }
}

/// Whether `a` holds a name `b` does not.
bool readsMore(const llvm::StringSet<> &a, const llvm::StringSet<> &b) {
  for (const auto &entry : a)
    if (!b.contains(entry.getKey()))
      return true;
  return false;
}

} // namespace

llvm::StringMap<bool> llmc::cacheBranchConditions(const onnx::GraphProto &graph,
                                                  const llvm::StringSet<> &known) {
  llvm::StringSet<> inputs;
  for (const onnx::ValueInfoProto &input : graph.input())
    if (!known.contains(input.name()))
      inputs.insert(input.name());
  llvm::StringMap<bool> conditions;
  llvm::StringSet<> conflicting; // inputs two Ifs want opposite values of
  for (const onnx::NodeProto &node : graph.node()) {
    if (node.op_type() != "If" || node.input_size() < 1 || !inputs.contains(node.input(0)))
      continue;
    const onnx::GraphProto *branches[2] = {nullptr, nullptr};
    for (const onnx::AttributeProto &attribute : node.attribute()) {
      if (attribute.name() == "then_branch")
        branches[0] = &attribute.g();
      else if (attribute.name() == "else_branch")
        branches[1] = &attribute.g();
    }
    if (!branches[0] || !branches[1])
      continue;
    llvm::StringSet<> reads[2];
    for (int k = 0; k < 2; ++k)
      collectReads(*branches[k], inputs, reads[k]);
    bool thenMore = readsMore(reads[0], reads[1]), elseMore = readsMore(reads[1], reads[0]);
    if (thenMore == elseMore)
      continue; // not decided by what the branches read
    auto [it, inserted] = conditions.try_emplace(node.input(0), thenMore);
    if (!inserted && it->second != thenMore)
      conflicting.insert(node.input(0));
  }
  for (const auto &name : conflicting)
    conditions.erase(name.getKey());
  return conditions;
}
