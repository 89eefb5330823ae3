# Mutant builds of the library addon for model-based testing (docs/model-testing.md, "Mutants").
# Test-only: the published package ships no native/test_support/, so a consumer's build never sees
# these targets. One EXCLUDE_FROM_ALL target per mutant, built on demand
#   npx cmake-js build --target zerobuffer_mutant_wrap_underflow
# compiles the protocol and binding sources with that one mutant enabled (native/core/mutant.hpp)
# into build/Release/mutants/<name>/zerobuffer.node — away from build/Release/zerobuffer.node,
# where pkg-prebuilds looks. The names match harness/model/mutants.ts and native/core/mutant.hpp.
set(ZB_MUTANTS wrap-underflow short-tail release-order lost-wakeup tail-leak)

foreach(mutant IN LISTS ZB_MUTANTS)
  string(REPLACE "-" "_" snake ${mutant})
  string(TOUPPER ${snake} upper)
  set(target zerobuffer_mutant_${snake})
  add_library(${target} SHARED EXCLUDE_FROM_ALL ${ZB_PROTOCOL_SOURCES} ${ZB_BINDING_SOURCES} ${CMAKE_JS_SRC})
  set_target_properties(${target} PROPERTIES
    PREFIX "" SUFFIX ".node" OUTPUT_NAME zerobuffer
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_LIBRARY_OUTPUT_DIRECTORY}/mutants/${mutant})
  target_include_directories(${target} PRIVATE ${CMAKE_JS_INC} ${CMAKE_CURRENT_SOURCE_DIR}/native)
  target_compile_definitions(${target} PRIVATE ${ZB_COMMON_DEFS} ZB_MUTANT_${upper}=1 "ZB_MUTANT_NAME=\"${mutant}\"")
  target_compile_options(${target} PRIVATE ${ZB_WARNINGS})
  target_link_libraries(${target} PRIVATE ${CMAKE_JS_LIB} rt pthread ${CMAKE_DL_LIBS})
endforeach()
