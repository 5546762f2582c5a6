//===- Deployment.cpp - the target-independent deployment passes ----------===//
#include "llmc/Target/Deployment.h"

#include "llmc/ConstEval/Passes.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"

#include "mlir/Transforms/Passes.h"

void llmc::buildDeploymentPipeline(mlir::OpPassManager &pm, const DeploymentOptions &options,
                                   const Target &target, const TargetOptions &targetOptions) {
  // The device the passes compile for, recorded as llm.device for the
  // passes that read it (today llm-fp16-safety's norm strategy; a module
  // no such pass runs on is left as it was).
  DeviceDescription device = target.getDevice(targetOptions);
  // A device that computes in f16 gets its programs FP16-safe whether asked
  // or not: retyped to f16 without it, a norm's sum of squares overflows.
  bool fp16Safety = options.runsFP16Safety() ||
                    (options.maxSeqLen > 0 && device.computeElementType == "f16");
  if (fp16Safety) {
    llm::SetDeviceOptions setDevice;
    setDevice.name = target.getName().str();
    setDevice.accumulatesInFP32 = device.accumulatesInFP32;
    setDevice.sramBytes = device.sramBytes;
    pm.addPass(llm::createSetDevice(setDevice));
  }

  // Calibration on the dynamic model: the static programs are clones of its
  // ops and carry what was recorded.
  if (!options.calibrate.empty()) {
    consteval::CalibrateRangesOptions calibration;
    calibration.inputs = options.calibrate;
    calibration.modelDir = options.modelDir;
    pm.addPass(consteval::createCalibrateRanges(calibration));
  }
  if (!options.bakePrefix.empty()) {
    consteval::BakePrefixOptions bake;
    bake.ids = options.bakePrefix;
    bake.modelDir = options.modelDir;
    pm.addPass(consteval::createBakePrefix(bake));
  }
  if (options.maxSeqLen > 0) {
    llm::StaticShapesOptions shapes;
    shapes.maxSeqLen = options.maxSeqLen;
    shapes.prefillBuckets = options.prefillBuckets;
    shapes.prefillChunk = options.prefillChunk;
    shapes.batch = options.batch;
    shapes.mlaForm = options.mlaForm;
    shapes.statsPromptLengths = options.statsPromptLengths;
    pm.addPass(llm::createStaticShapes(shapes));
  }
  if (fp16Safety) {
    llm::FP16SafetyOptions safety;
    safety.report = options.reportFP16Hazards;
    // Empty: the device's (recorded above).
    safety.normStrategy = options.normStrategy;
    safety.modelDir = options.modelDir;
    pm.addPass(llm::createFP16Safety(safety));
  }
  // The caches in the type the device stores them in: asked for, or the
  // device's when there are static programs to give it to.
  std::string cacheType = options.cacheDtype;
  if (cacheType.empty() && options.maxSeqLen > 0)
    cacheType = device.cacheElementType;
  if (!cacheType.empty()) {
    llm::CacheTypeOptions caches;
    caches.type = cacheType;
    pm.addPass(llm::createCacheType(caches));
  }
  // Every value in the type the device computes in (the plan then sizes
  // buffers as the device holds them; the weights' conversion is
  // const-evaluated below).
  if (options.maxSeqLen > 0 && !device.computeElementType.empty()) {
    llm::ComputeTypeOptions compute;
    compute.type = device.computeElementType;
    pm.addPass(llm::createComputeType(compute));
  }
  std::vector<std::string> groupKinds = device.fusionKinds;
  if (options.printFusionStats) {
    llm::FusionStatsOptions stats;
    stats.groups = groupKinds;
    stats.foldNormWeights = options.foldNormWeights;
    stats.modelDir = options.modelDir;
    pm.addPass(llm::createFusionStats(stats));
  }
  if (options.fuse)
    llm::addFusionPasses(pm, options.foldNormWeights, options.modelDir);
  // Last: the weights in the form the programs compute with (nothing is
  // written when the programs compute nothing from weights alone).
  consteval::ConstEvalWeightsOptions weights;
  weights.output = options.derivedWeights;
  weights.dtype = options.weightsDtype;
  weights.modelDir = options.modelDir;
  pm.addPass(consteval::createConstEvalWeights(weights));
  // The kernels the device declared it runs as one, marked on the programs
  // as they will run.
  if (options.fuse && !groupKinds.empty()) {
    llm::FormFusionGroupsOptions groups;
    groups.kinds = groupKinds;
    groups.sramBytes = device.sramBytes;
    pm.addPass(llm::createFormFusionGroups(groups));
  }
  // The programs as they will run, then where each value lives (a pass
  // after the plan may not move, merge or add values: the verifier of
  // llm.memory_pools would reject the plan).
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
  bool showPlan = options.printMemoryPlan || !options.memoryPlanJSON.empty() ||
                  !options.memoryPlanSVG.empty();
  if ((options.planMemory && options.maxSeqLen > 0) || showPlan) {
    llm::PlanMemoryOptions plan;
    plan.sramBytes = device.sramBytes;
    plan.report = options.printMemoryPlan;
    plan.jsonFile = options.memoryPlanJSON;
    plan.svgFile = options.memoryPlanSVG;
    pm.addPass(llm::createPlanMemory(plan));
  }
}

void llmc::buildCompilationPipeline(mlir::OpPassManager &pm, const DeploymentOptions &options,
                                    const Target &target, const TargetOptions &targetOptions) {
  buildDeploymentPipeline(pm, options, target, targetOptions);
  target.buildPipeline(pm, targetOptions);
}
