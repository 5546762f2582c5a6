# llmc's libraries in layers, lowest first (docs/architecture.md, "Layers").
# A library may link libraries of its own layer or a lower one, never a
# higher one; the layers marked MLIR-free may not link MLIR nor include its
# headers, so that a device runtime can link them alone.
#
# llmc_check_layering() runs at the end of configuration and stops it with
# an error naming the offending link or #include. `cmake -P` on this file
# with -DLLMC_LAYERING_SELFTEST=ON checks the check itself (lit:
# test/cmake/layering.test).

if(CMAKE_SCRIPT_MODE_FILE)
  cmake_minimum_required(VERSION 3.20) # the project's policies (IN_LIST)
endif()

set(LLMC_LAYERS
  "LLMCSupport,LLMCPlanning"    # files (safetensors, .npy), element types; buffer allocation
  "LLMCReference"               # the ops' reference kernels, numerics policy
  "LLMCRuntime,LLMCNPURuntime"  # Program interface, generation, cache files; the reference
                                # NPU's runtime side (targets/npu/Runtime: description, simulator)
  "LLMCLLMDialect,LLMCCheckDialect,LLMCNPUDialect" # the llm dialect and its program ABI; check
  "LLMCLLMTransforms"           # compiler passes
  "LLMCExecutor"                # the MLIR interpreter over the kernels
  "LLMCConstEval"               # constant folding, prefix baking, calibration
  "LLMCImport,LLMCONNXImport"   # checkpoint and ONNX importers
  "LLMCNPULowering"             # targets/npu/Lowering: planned llm programs to npu programs
  "LLMCTarget"                  # target interface, deployment pipeline
  "LLMCMLIRTarget,LLMCNPUTarget" # targets/<t>
  "LLMCAllTargets"              # the list of targets
  "LLMCInitAll"                 # what tools register
)
# Layers whose libraries build without MLIR.
set(LLMC_MLIR_FREE_LIBRARIES LLMCSupport LLMCPlanning LLMCReference LLMCRuntime LLMCNPURuntime)

# The layer index of `library` in `layers` (a list of layers, each a
# comma-separated list of libraries); -1 when not an llmc library.
function(llmc_layer_of library layers out)
  set(index 0)
  foreach(layer IN LISTS layers)
    string(REPLACE "," ";" members "${layer}")
    if("${library}" IN_LIST members)
      set(${out} ${index} PARENT_SCOPE)
      return()
    endif()
    math(EXPR index "${index} + 1")
  endforeach()
  set(${out} -1 PARENT_SCOPE)
endfunction()

# Appends to `problems` each link of `library` (linking `links`) that
# points up the layers, or to MLIR from an MLIR-free library.
function(llmc_check_links library links layers mlir_free _llmc_problems)
  set(found ${${_llmc_problems}})
  llmc_layer_of(${library} "${layers}" own)
  foreach(link IN LISTS links)
    if(link MATCHES "^MLIR" AND "${library}" IN_LIST mlir_free)
      list(APPEND found "${library} is MLIR-free but links ${link}")
    endif()
    llmc_layer_of(${link} "${layers}" other)
    if(link MATCHES "^LLMC" AND other EQUAL -1)
      list(APPEND found "${library} links ${link}, which has no layer in cmake/LLMCLayering.cmake")
    elseif(other GREATER own)
      list(APPEND found "${library} (layer ${own}) links ${link} (layer ${other}), a layer above it")
    endif()
  endforeach()
  set(${_llmc_problems} ${found} PARENT_SCOPE)
endfunction()

# Appends to `problems` each #include of an MLIR header in `files`.
function(llmc_check_mlir_includes files _llmc_problems)
  set(found ${${_llmc_problems}})
  foreach(file IN LISTS files)
    file(STRINGS "${file}" includes REGEX "^#include [\"<]mlir/")
    if(includes)
      list(APPEND found "${file} is MLIR-free but has ${includes}")
    endif()
  endforeach()
  set(${_llmc_problems} ${found} PARENT_SCOPE)
endfunction()

function(llmc_check_layering)
  set(problems)
  foreach(layer IN LISTS LLMC_LAYERS)
    string(REPLACE "," ";" members "${layer}")
    foreach(library IN LISTS members)
      if(NOT TARGET ${library})
        list(APPEND problems "${library} is listed in cmake/LLMCLayering.cmake but not built")
        continue()
      endif()
      get_target_property(links ${library} LINK_LIBRARIES)
      if(NOT links)
        set(links)
      endif()
      llmc_check_links(${library} "${links}" "${LLMC_LAYERS}" "${LLMC_MLIR_FREE_LIBRARIES}"
                       problems)
    endforeach()
  endforeach()
  foreach(dir Support Reference Runtime)
    file(GLOB_RECURSE sources "${PROJECT_SOURCE_DIR}/lib/${dir}/*.cpp"
         "${PROJECT_SOURCE_DIR}/lib/${dir}/*.h" "${PROJECT_SOURCE_DIR}/include/llmc/${dir}/*.h")
    llmc_check_mlir_includes("${sources}" problems)
  endforeach()
  if(problems)
    list(JOIN problems "\n  " text)
    message(FATAL_ERROR "llmc's layers point the wrong way:\n  ${text}")
  endif()
endfunction()

# The check of the check: a link up the layers, MLIR linked and included
# from an MLIR-free library are each reported; allowed links are not.
if(LLMC_LAYERING_SELFTEST)
  set(problems)
  llmc_check_links(LLMCRuntime "LLMCSupport;LLMCLLMDialect;MLIR" "${LLMC_LAYERS}"
                   "${LLMC_MLIR_FREE_LIBRARIES}" problems)
  llmc_check_links(LLMCONNXImport "LLMCImport;LLMCExecutor;onnx;MLIR" "${LLMC_LAYERS}"
                   "${LLMC_MLIR_FREE_LIBRARIES}" problems)
  llmc_check_links(LLMCLLMDialect "LLMCLLMTransforms" "${LLMC_LAYERS}"
                   "${LLMC_MLIR_FREE_LIBRARIES}" problems)
  llmc_check_links(LLMCTarget "LLMCNewThing" "${LLMC_LAYERS}" "${LLMC_MLIR_FREE_LIBRARIES}"
                   problems)
  set(header "${CMAKE_CURRENT_BINARY_DIR}/llmc-layering-selftest.h")
  file(WRITE "${header}" "#include \"llvm/ADT/ArrayRef.h\"\n#include \"mlir/IR/Value.h\"\n")
  llmc_check_mlir_includes("${header}" problems)
  file(REMOVE "${header}")
  foreach(problem IN LISTS problems)
    message("${problem}")
  endforeach()
endif()
