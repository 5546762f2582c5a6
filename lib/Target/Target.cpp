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

std::unique_ptr<TargetOptions> llmc::parseTargetOptions(const Target &target,
                                                        llvm::StringRef text,
                                                        llvm::raw_ostream &errors) {
  std::unique_ptr<TargetOptions> options = target.createOptions();
  std::string parserErrors;
  llvm::raw_string_ostream parserStream(parserErrors);
  if (succeeded(options->parseFromString(text, parserStream)))
    return options;
  // The parser's message, then what the target takes (with defaults).
  std::unique_ptr<TargetOptions> defaults = target.createOptions();
  std::string known;
  llvm::raw_string_ostream knownStream(known);
  defaults->print(knownStream);
  llvm::StringRef message = llvm::StringRef(parserErrors).trim();
  message.consume_front("<Pass-Options-Parser>: ");
  errors << "invalid options for target '" << target.getName() << "': "
         << message << "; it takes "
         << (known.empty() ? std::string("no options") : known);
  return nullptr;
}

void llmc::registerTargetPipelines() {
  for (const Target *target : getRegisteredTargets()) {
    if (!target->isAvailable())
      continue;
    std::string name = ("llmc-" + target->getName() + "-pipeline").str();
    // The deployment options, with the target's own as target-options={...}.
    mlir::registerPassPipeline(
        name, target->getDescription(),
        [target](mlir::OpPassManager &pm, llvm::StringRef text,
                 llvm::function_ref<mlir::LogicalResult(const llvm::Twine &)> errorHandler)
            -> mlir::LogicalResult {
          DeploymentOptions deployment;
          std::string errors;
          llvm::raw_string_ostream errorStream(errors);
          if (failed(deployment.parseFromString(text, errorStream)))
            return errorHandler(llvm::StringRef(errors).trim());
          std::unique_ptr<TargetOptions> targetOptions =
              parseTargetOptions(*target, deployment.targetOptions, errorStream);
          if (!targetOptions)
            return errorHandler(errors);
          buildCompilationPipeline(pm, deployment, *target, *targetOptions);
          return mlir::success();
        },
        [](llvm::function_ref<void(const TargetOptions &)> optionHandler) {
          optionHandler(DeploymentOptions());
        });
  }
}
