# Helpers that declare biac's targets. A module is one folder under src/biac/ and one
# library target biac_<name> (alias biac::<name>); its DEPS list is the module's allowed
# dependencies, and tools/check_includes.py holds the sources to the table in
# docs/architecture.md.

function(biac_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;EXTERNAL" ${ARGN})
  if(ARG_SOURCES)
    add_library(biac_${name} STATIC ${ARG_SOURCES})
    set(scope PUBLIC)
    _biac_pch_register(biac_${name} lib)
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
  _biac_pch_register(${name} test)
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
  _biac_pch_register(${name} lib)
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
  _biac_pch_register(${name} lib)
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
  _biac_pch_register(${target} lib)
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  foreach(dep IN LISTS ARG_DEPS)
    target_link_libraries(${target} PUBLIC biac::${dep})
  endforeach()
  if(ARG_EXTERNAL)
    target_link_libraries(${target} PUBLIC ${ARG_EXTERNAL})
  endif()
endfunction()

# --- Build speed (docs/build.md) -------------------------------------------------------------
# Precompiled headers: the heavy third-party headers that most translation units parse
# (nlohmann::json, fmt, Eigen, GoogleTest) are compiled once into a shared PCH. Every
# biac_module/biac_module_part/biac_fuzz/biac_benchmark target reuses biac_pch_lib's, every
# biac_test target biac_pch_test's (the same headers plus GoogleTest); a module listed in
# BIAC_PCH_EXTRA_<target> builds its own PCH with its extra headers (Beast, CLI11). Assigned at
# the end of configuration (_biac_apply_pch), once every folder has set its own properties:
#  - a source compiled with its own -O level (COMPILE_OPTIONS) skips the PCH: clang refuses a
#    PCH built at another optimisation level (__OPTIMIZE__);
#  - a source that #defines a configuration macro of a precompiled library (EIGEN_..., JSON_...,
#    GTEST_...) skips it: the PCH was parsed without that macro;
#  - a target with its own -O level builds no PCH at all.
option(BIAC_PCH "Precompiled headers for the heavy third-party headers (docs/build.md)" OFF)
option(BIAC_LLD "Link with lld when the compiler accepts -fuse-ld=lld (docs/build.md)" OFF)

# ccache caches a TU that uses a PCH only with these sloppiness settings (ccache manual,
# "Precompiled headers").
if(BIAC_PCH AND BIAC_CCACHE)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env
      CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
      ${BIAC_CCACHE})
endif()

if(BIAC_LLD)
  include(CheckLinkerFlag)
  check_linker_flag(CXX -fuse-ld=lld BIAC_HAVE_LLD)
  if(BIAC_HAVE_LLD)
    add_link_options(-fuse-ld=lld)
  endif()
endif()

set(BIAC_PCH_HEADERS
    <algorithm> <array> <chrono> <cmath> <cstddef> <cstdint> <cstring> <filesystem> <fstream>
    <functional> <limits> <map> <memory> <numbers> <optional> <random> <set> <span> <sstream>
    <string> <string_view> <unordered_map> <utility> <variant> <vector>
    <fmt/format.h> <nlohmann/json.hpp> <Eigen/Core> <Eigen/Dense>)
set(BIAC_PCH_TEST_HEADERS <gtest/gtest.h> <gmock/gmock.h>)
# Per-target extras: the target builds its own PCH (its compile definitions configure them).
set(BIAC_PCH_EXTRA_biac_net_http
    <boost/asio/io_context.hpp> <boost/asio/ip/tcp.hpp> <boost/asio/ssl/context.hpp>
    <boost/asio/strand.hpp> <boost/asio/steady_timer.hpp> <boost/beast/core.hpp>
    <boost/beast/http.hpp> <boost/beast/ssl.hpp> <boost/beast/websocket.hpp>
    <boost/beast/websocket/ssl.hpp>)
set(BIAC_PCH_EXTRA_biac_app <CLI/CLI.hpp> <toml++/toml.h>)

# Registers a target for the PCH pass; kind is lib or test.
function(_biac_pch_register target kind)
  if(BIAC_PCH)
    set_property(GLOBAL APPEND PROPERTY BIAC_PCH_TARGETS "${target}:${kind}")
  endif()
endfunction()

# True when the target or its sources choose their own optimisation level.
function(_biac_pch_has_own_opt out options)
  set(result FALSE)
  foreach(option IN LISTS options)
    if(option MATCHES "^-O")
      set(result TRUE)
    endif()
  endforeach()
  set(${out} ${result} PARENT_SCOPE)
endfunction()

function(_biac_pch_skip_sources target)
  get_target_property(sources ${target} SOURCES)
  get_target_property(source_dir ${target} SOURCE_DIR)
  foreach(source IN LISTS sources)
    # Relative source names are relative to the target's folder, not to this (top) one.
    set(path ${source})
    if(NOT IS_ABSOLUTE ${path})
      set(path ${source_dir}/${source})
    endif()
    get_source_file_property(options ${path} TARGET_DIRECTORY ${target} COMPILE_OPTIONS)
    _biac_pch_has_own_opt(own_opt "${options}")
    set(defines_config FALSE)
    if(EXISTS ${path})
      file(STRINGS ${path} config_defines
           REGEX "^#[ ]*define[ ]+(EIGEN|JSON|NLOHMANN|FMT|GTEST|GMOCK|SPDLOG|BOOST|TOML|CLI11)_")
      if(config_defines)
        set(defines_config TRUE)
      endif()
    endif()
    if(own_opt OR defines_config)
      set_source_files_properties(${path} TARGET_DIRECTORY ${target}
                                  PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
    endif()
  endforeach()
endfunction()

function(_biac_apply_pch)
  get_property(entries GLOBAL PROPERTY BIAC_PCH_TARGETS)
  if(NOT entries)
    return()
  endif()
  # The carriers: one stub source each, the flags and definitions of any biac target
  # (biac::base brings fmt's and spdlog's). clang: no timestamps in the PCH, for ccache.
  set(stub ${PROJECT_BINARY_DIR}/biac_pch_stub.cc)
  file(CONFIGURE OUTPUT ${stub} CONTENT "// Carrier of the shared precompiled headers.\n")
  set(pch_options "")
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    set(pch_options -Xclang -fno-pch-timestamp)
  endif()
  add_library(biac_pch_lib STATIC ${stub})
  target_link_libraries(biac_pch_lib PRIVATE biac::base nlohmann_json::nlohmann_json
                                             Eigen3::Eigen)
  target_compile_options(biac_pch_lib PRIVATE ${pch_options})
  target_precompile_headers(biac_pch_lib PRIVATE ${BIAC_PCH_HEADERS})
  if(BIAC_TESTS)
    add_library(biac_pch_test STATIC ${stub})
    target_link_libraries(biac_pch_test PRIVATE biac::base nlohmann_json::nlohmann_json
                                                Eigen3::Eigen GTest::gtest GTest::gmock)
    target_compile_options(biac_pch_test PRIVATE ${pch_options})
    target_precompile_headers(biac_pch_test PRIVATE ${BIAC_PCH_HEADERS} ${BIAC_PCH_TEST_HEADERS})
  endif()
  foreach(entry IN LISTS entries)
    string(REPLACE ":" ";" entry "${entry}")
    list(GET entry 0 target)
    list(GET entry 1 kind)
    get_target_property(target_options ${target} COMPILE_OPTIONS)
    _biac_pch_has_own_opt(own_opt "${target_options}")
    if(own_opt)
      continue()
    endif()
    _biac_pch_skip_sources(${target})
    # GCC falls back to the text of the headers when it cannot use the PCH (-Winvalid-pch), so
    # every user needs their include paths.
    target_link_libraries(${target} PRIVATE nlohmann_json::nlohmann_json Eigen3::Eigen)
    if(DEFINED BIAC_PCH_EXTRA_${target})
      target_compile_options(${target} PRIVATE ${pch_options})
      target_precompile_headers(${target} PRIVATE ${BIAC_PCH_HEADERS} ${BIAC_PCH_EXTRA_${target}})
    elseif(kind STREQUAL "test" AND TARGET biac_pch_test)
      target_precompile_headers(${target} REUSE_FROM biac_pch_test)
    else()
      target_precompile_headers(${target} REUSE_FROM biac_pch_lib)
    endif()
  endforeach()
endfunction()

if(BIAC_PCH)
  cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL _biac_apply_pch)
endif()
