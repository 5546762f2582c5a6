# cmake -P: writes OUTPUT, a C++ array of the NPU descriptions in CONFIGS
# (comma-separated JSON files) as raw strings: { "<file stem>", R"json(...)json" }.
set(text "// Generated from targets/npu/configs by EmbedConfigs.cmake; do not edit.\nconstexpr Bundled kBundled[] = {\n")
string(REPLACE "," ";" CONFIGS "${CONFIGS}")
foreach(config IN LISTS CONFIGS)
  get_filename_component(stem ${config} NAME_WE)
  file(READ ${config} json)
  string(APPEND text "  {\"${stem}\", R\"json(${json})json\"},\n")
endforeach()
string(APPEND text "};\n")
file(WRITE ${OUTPUT}.tmp "${text}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUTPUT}.tmp ${OUTPUT})
