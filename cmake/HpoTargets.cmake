# Helpers that give every module the same shape: one static library per folder,
# sources found by glob (CONFIGURE_DEPENDS re-globs on each build, so a new file needs no CMake edit),
# public include root at the repository top so includes read "lib/core/value.h".

function(hpo_warnings target)
  # -Wno-restrict: GCC 12 at -O3 reports impossible memcpy overlaps in plain std::string
  # concatenation ("a" + std::string(b)), GCC bug 105329.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")  # the fuzz build uses clang, which knows neither
    target_compile_options(${target} PRIVATE -Wshadow=local -Wno-restrict)
  endif()
  if(HPO_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# hpo_module(<name> [DEPS <targets...>] [EXCLUDE <files...>])
# Builds every *.cc below the current folder (not *_test.cc, nor the EXCLUDE files, named
# relative to the folder) into static library hpo_<name>.
function(hpo_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;EXCLUDE" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cc")
  list(FILTER sources EXCLUDE REGEX "_test\\.cc$")
  foreach(excluded IN LISTS ARG_EXCLUDE)
    list(REMOVE_ITEM sources "${CMAKE_CURRENT_SOURCE_DIR}/${excluded}")
  endforeach()
  if(NOT sources)  # a module with headers only (or not written yet)
    add_library(hpo_${name} INTERFACE)
    target_include_directories(hpo_${name} INTERFACE "${PROJECT_SOURCE_DIR}")
    target_link_libraries(hpo_${name} INTERFACE ${ARG_DEPS})
    return()
  endif()
  add_library(hpo_${name} STATIC ${sources})
  target_include_directories(hpo_${name} PUBLIC "${PROJECT_SOURCE_DIR}")
  target_link_libraries(hpo_${name} PUBLIC ${ARG_DEPS})
  hpo_warnings(hpo_${name})
endfunction()

# hpo_test_suite(<name> [LABEL <label>] [TIMEOUT <s>] DEPS <targets...>)
# One GoogleTest executable per tests/ subfolder; each TEST becomes its own ctest entry.
function(hpo_test_suite name)
  cmake_parse_arguments(ARG "" "TIMEOUT;LABEL" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc")
  if(NOT sources)
    return()
  endif()
  add_executable(${name}_test ${sources})
  target_link_libraries(${name}_test PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name}_test PRIVATE
    HPO_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    HPO_BINARY="$<TARGET_FILE:hpo>"
    HPO_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
  hpo_warnings(${name}_test)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  # One label per suite (the module name, or the LABEL given): gtest_discover_tests forwards
  # PROPERTIES as a flat list, so a second label would be read as a property name.
  set(labels ${name})
  if(ARG_LABEL)
    set(labels ${ARG_LABEL})
  endif()
  # Each build tree's tests keep their files in its own folder (testing::TempDir() reads
  # TEST_TMPDIR): two checkouts testing at once on one machine never share a test's folder.
  file(MAKE_DIRECTORY "${CMAKE_BINARY_DIR}/test_tmp")
  gtest_discover_tests(${name}_test
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${labels}" TIMEOUT ${ARG_TIMEOUT} ENVIRONMENT "TEST_TMPDIR=${CMAKE_BINARY_DIR}/test_tmp"
               SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]")  # GTEST_SKIP shows as "Skipped", not "Passed"
endfunction()
