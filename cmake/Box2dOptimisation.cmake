# How the patched Box2D (the `box2d` target, ~99% of the env's time: docs/benchmarks.md,
# "Environment") is compiled. Three independent switches, because they combine freely and have
# different costs: LTO is free on any machine, -march=native ties the binary to this CPU, PGO
# needs a training run first (scripts/box2d-pgo). None of them changes what Box2D computes:
# -ffp-contract=off is always on, so no a*b+c is fused into one rounding, and the native build
# leaves out the ISAs that GCC 12 fuses with regardless. The golden trajectory hashes
# (tests/envs/lunar_lander_test.cc) pin that; the section "Box2D build: LTO, -march=native, PGO"
# of docs/benchmarks.md has the measurements (only LTO + PGO is faster; all are off here).
option(HPO_BOX2D_LTO "Build Box2D with link-time optimisation, into every binary that links it" OFF)
option(HPO_BOX2D_NATIVE "Build Box2D with -march=native less FMA (binaries then need this CPU)" OFF)
set(HPO_BOX2D_PGO "off" CACHE STRING
    "Box2D profile-guided optimisation: off, generate (instrumented) or use (scripts/box2d-pgo)")
set_property(CACHE HPO_BOX2D_PGO PROPERTY STRINGS off generate use)
set(HPO_BOX2D_PGO_DIR "${CMAKE_BINARY_DIR}/box2d-profile" CACHE PATH
    "Where HPO_BOX2D_PGO=generate writes Box2D's profile and =use reads it")

# Box2D's CMakeLists asks for CMake 3.8, which predates CMP0069: without this, CMake ignores
# INTERPROCEDURAL_OPTIMIZATION on its target. Included before add_subdirectory for that reason.
set(CMAKE_POLICY_DEFAULT_CMP0069 NEW)

# Called after add_subdirectory: applies the switches to the `box2d` target.
function(hpo_optimise_box2d)
  target_compile_options(box2d PRIVATE -ffp-contract=off)
  set(summary "-ffp-contract=off")
  if(HPO_BOX2D_LTO)
    include(CheckIPOSupported)
    check_ipo_supported(RESULT lto_ok OUTPUT lto_error LANGUAGES CXX)
    if(NOT lto_ok)
      message(FATAL_ERROR "HPO_BOX2D_LTO=ON but the compiler cannot do LTO: ${lto_error}")
    endif()
    # The library then holds GIMPLE only (-fno-fat-lto-objects), archived with gcc-ar, so every
    # executable that links it has to link with -flto too: hence the INTERFACE link option.
    set_target_properties(box2d PROPERTIES INTERPROCEDURAL_OPTIMIZATION ON)
    target_link_options(box2d INTERFACE -flto=auto)
    string(APPEND summary " LTO")
  endif()
  if(HPO_BOX2D_NATIVE)
    # Less the ISAs with fused multiply-add: GCC 12's vectorizers turn a multiply feeding an
    # add/sub pair into vfmaddsub even under -ffp-contract=off (Box2D's 45 files at -O3
    # -march=native: 13 of them in 7 files; -mno-fma alone leaves AVX-512's; none once all three
    # are off), and that changes the trajectories (docs/benchmarks.md).
    target_compile_options(box2d PRIVATE -march=native -mno-fma -mno-fma4 -mno-avx512f)
    string(APPEND summary " -march=native (less FMA, FMA4, AVX-512)")
  endif()
  if(NOT HPO_BOX2D_PGO STREQUAL "off")
    # Without ccache: with CCACHE_BASEDIR (scripts/build.sh) it compiles a relative source path,
    # which enters the profile's checksums, and the `use` build then refuses the profile
    # ("source locations ... have changed"). Box2D's 45 files compile in under a minute.
    set_target_properties(box2d PROPERTIES CXX_COMPILER_LAUNCHER "")
  endif()
  if(HPO_BOX2D_PGO STREQUAL "generate")
    # Counters are written at exit to files named after each object's absolute path, so the
    # `use` build has to be this same build folder (scripts/box2d-pgo reconfigures it in place).
    target_compile_options(box2d PRIVATE "-fprofile-generate=${HPO_BOX2D_PGO_DIR}")
    target_link_options(box2d INTERFACE "-fprofile-generate=${HPO_BOX2D_PGO_DIR}")
    string(APPEND summary " PGO-instrumented (profile into ${HPO_BOX2D_PGO_DIR})")
  elseif(HPO_BOX2D_PGO STREQUAL "use")
    if(NOT IS_DIRECTORY "${HPO_BOX2D_PGO_DIR}")
      message(FATAL_ERROR "HPO_BOX2D_PGO=use needs a profile in ${HPO_BOX2D_PGO_DIR}: "
                          "scripts/box2d-pgo makes one")
    endif()
    # -fprofile-partial-training: code the LunarLander episodes never ran (other joints, wind)
    # stays optimised for speed, not shrunk as cold. -Wno-missing-profile: the two files the
    # episodes never enter (b2_rope.cpp, b2_circle_shape.cpp) have no profile, by design.
    target_compile_options(box2d PRIVATE "-fprofile-use=${HPO_BOX2D_PGO_DIR}"
                           -fprofile-correction -fprofile-partial-training -Wno-missing-profile)
    string(APPEND summary " PGO (profile ${HPO_BOX2D_PGO_DIR})")
  elseif(NOT HPO_BOX2D_PGO STREQUAL "off")
    message(FATAL_ERROR "HPO_BOX2D_PGO must be off, generate or use, got '${HPO_BOX2D_PGO}'")
  endif()
  message(STATUS "Box2D build: ${summary}")
endfunction()
