# Helpers that declare biac's targets. A module is one folder under src/biac/ and one
# library target biac_<name> (alias biac::<name>); its DEPS list is the module's allowed
# dependencies, and tools/check_includes.py holds the sources to the table in
# docs/architecture.md.

function(biac_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;EXTERNAL" ${ARGN})
  if(ARG_SOURCES)
    add_library(biac_${name} STATIC ${ARG_SOURCES})
    set(scope PUBLIC)
  else()
    add_library(biac_${name} INTERFACE)
    set(scope INTERFACE)
  endif()
  add_library(biac::${name} ALIAS biac_${name})
  target_include_directories(biac_${name} ${scope} ${PROJECT_SOURCE_DIR}/src)
  foreach(dep IN LISTS ARG_DEPS)
    target_link_libraries(biac_${name} ${scope} biac::${dep})
  endforeach()
  if(ARG_EXTERNAL)
    target_link_libraries(biac_${name} ${scope} ${ARG_EXTERNAL})
  endif()
endfunction()

# biac_test(<name> SOURCES ... DEPS ... [LABELS ...])
function(biac_test name)
  if(NOT BIAC_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  foreach(dep IN LISTS ARG_DEPS)
    if(TARGET biac::${dep})
      target_link_libraries(${name} PRIVATE biac::${dep})
    else()
      target_link_libraries(${name} PRIVATE ${dep})
    endif()
  endforeach()
  target_link_libraries(${name} PRIVATE GTest::gtest GTest::gtest_main GTest::gmock)
  include(GoogleTest)
  gtest_discover_tests(${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                       PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 60)
endfunction()

# biac_benchmark(<name> SOURCES ... DEPS ...)
function(biac_benchmark name)
  if(NOT BIAC_BENCHMARKS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  foreach(dep IN LISTS ARG_DEPS)
    if(TARGET biac::${dep})
      target_link_libraries(${name} PRIVATE biac::${dep})
    else()
      target_link_libraries(${name} PRIVATE ${dep})
    endif()
  endforeach()
  target_link_libraries(${name} PRIVATE benchmark::benchmark)
endfunction()

# biac_fuzz(<name> SOURCES ... DEPS ... CORPUS dir): a libFuzzer target, plus a regression
# test that replays the seed corpus (CORPUS, relative to the calling CMakeLists.txt) through
# the same entry point: in ordinary test builds with tests/fuzz_replay_main.cc, in fuzz builds
# (-DBIAC_FUZZ=ON, clang) with libFuzzer's own `-runs=0`. Fuzz builds also write
# <build>/fuzz_targets/<name> (the binary's path, then the corpus), which scripts/fuzz.sh reads.
function(biac_fuzz name)
  cmake_parse_arguments(ARG "" "CORPUS" "SOURCES;DEPS" ${ARGN})
  if(NOT ARG_CORPUS)
    message(FATAL_ERROR "biac_fuzz(${name}): CORPUS is required")
  endif()
  get_filename_component(corpus ${ARG_CORPUS} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
  if(BIAC_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
      message(FATAL_ERROR "BIAC_FUZZ=ON needs clang for libFuzzer: configure with "
                          "CC=clang CXX=clang++ (see scripts/fuzz.sh)")
    endif()
    add_executable(${name} ${ARG_SOURCES})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/fuzz_targets/${name}
         CONTENT "$<TARGET_FILE:${name}>\n${corpus}\n")
    if(BIAC_TESTS)
      add_test(NAME ${name}_corpus COMMAND ${name} -runs=0 ${corpus})
    endif()
  elseif(BIAC_TESTS)
    add_executable(${name} ${ARG_SOURCES} ${PROJECT_SOURCE_DIR}/tests/fuzz_replay_main.cc)
    add_test(NAME ${name}_corpus COMMAND ${name} ${corpus})
  else()
    return()
  endif()
  foreach(dep IN LISTS ARG_DEPS)
    target_link_libraries(${name} PRIVATE biac::${dep})
  endforeach()
endfunction()

# biac_module_part(<module> <part> SOURCES ... DEPS ... EXTERNAL ...): one static library
# biac_<module>_<part> (alias biac::<module>_<part>) inside a module folder, for modules built
# from independent parts (formats/ has one per wire format). DEPS names other biac targets
# without the biac:: prefix (modules, or parts such as formats_common); the module's own
# target links every part.
function(biac_module_part module part)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;EXTERNAL" ${ARGN})
  set(target biac_${module}_${part})
  add_library(${target} STATIC ${ARG_SOURCES})
  add_library(biac::${module}_${part} ALIAS ${target})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  foreach(dep IN LISTS ARG_DEPS)
    target_link_libraries(${target} PUBLIC biac::${dep})
  endforeach()
  if(ARG_EXTERNAL)
    target_link_libraries(${target} PUBLIC ${ARG_EXTERNAL})
  endif()
endfunction()
