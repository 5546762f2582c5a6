//===- Target.cpp - the target registry -----------------------------------===//
#include "llmc/Target/Target.h"

#include "llmc/Target/Deployment.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/STLExtras.h"

using namespace llmc;

Target::~Target() = default;

static std::vector<std::unique_ptr<Target>> &registry() {
  static std::vector<std::unique_ptr<Target>> targets;
  return targets;
}

void llmc::registerTarget(std::unique_ptr<Target> target) {
  if (lookupTarget(target->getName()))
    return;
  registry().push_back(std::move(target));
}

const Target *llmc::lookupTarget(llvm::StringRef name) {
  for (const std::unique_ptr<Target> &target : registry())
    if (target->getName() == name)
      return target.get();
  return nullptr;
}

std::vector<const Target *> llmc::getRegisteredTargets() {
  std::vector<const Target *> targets;
  for (const std::unique_ptr<Target> &target : registry())
    targets.push_back(target.get());
  return targets;
}

std::string llmc::describeTargets() {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleaveComma(getRegisteredTargets(), os, [&](const Target *t) {
    os << t->getName();
    if (!t->isAvailable())
      os << " (not available yet)";
  });
  return text;
}

void llmc::registerTargetPipelines() {
  for (const Target *target : getRegisteredTargets()) {
    if (!target->isAvailable())
      continue;
    std::string name = ("llmc-" + target->getName() + "-pipeline").str();
    // The deployment passes the options ask for, then the target's own.
    mlir::PassPipelineRegistration<DeploymentOptions>(
        name, target->getDescription(),
        [target](mlir::OpPassManager &pm, const DeploymentOptions &options) {
          buildDeploymentPipeline(pm, options, *target);
          target->buildPipeline(pm);
        });
  }
}
