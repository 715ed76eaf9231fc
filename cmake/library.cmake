# mtbench_add_library(NAME DIR DEPS...): one static library from every .cc in DIR,
# so adding a source file needs no CMake edit. A folder without sources yet yields an
# interface library carrying the same dependencies.
function(mtbench_add_library name dir)
  file(GLOB sources CONFIGURE_DEPENDS ${dir}/*.cc)
  if(sources)
    add_library(${name} STATIC ${sources})
    target_link_libraries(${name} PUBLIC mtbench_headers ${ARGN} PRIVATE mtbench_warnings)
  else()
    add_library(${name} INTERFACE)
    target_link_libraries(${name} INTERFACE mtbench_headers ${ARGN})
  endif()
endfunction()

# mtbench_unity_build(TARGET): compile the target's sources in batches of 8 per translation
# unit. Test files and CLI subcommands are small, and most of their compile time went to the
# same headers (GoogleTest, CLI11, nlohmann/json, LibTorch) and the same template
# instantiations, once per file: batching roughly halves the build and CI time. Libraries are
# not batched (their files keep their own optimization context). Off with -DMTBENCH_UNITY=OFF,
# e.g. to check that every file still compiles on its own.
option(MTBENCH_UNITY "Compile tests and CLI subcommands in batches (faster builds)" ON)
function(mtbench_unity_build target)
  if(MTBENCH_UNITY)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
  endif()
endfunction()

# mtbench_cold_code(TARGET): the target is orchestration and I/O (command line, HTTP server,
# the compare pipeline's plumbing), whose run time is spent in the libraries it calls.
# MTBENCH_COLD_OPTIMIZATION (e.g. -O0) then replaces the build type's optimisation for it:
# scripts/sanitize.sh sets -O0, where these targets were a quarter of the ASan build's compile
# time (the Boost.Beast server alone 96 s at -O1). Not the reports (rendering a default-sized
# report took 7 s at -O1 and 48 s at -O0 under ASan) nor per-sentence explanations: cold code
# is code no test spends its time in. Empty by default: a normal build optimises everything.
set(MTBENCH_COLD_OPTIMIZATION "" CACHE STRING "Optimisation flag of CLI, server and pipeline code (empty: the build type's)")
function(mtbench_cold_code target)
  if(MTBENCH_COLD_OPTIMIZATION)
    target_compile_options(${target} PRIVATE ${MTBENCH_COLD_OPTIMIZATION})
  endif()
endfunction()

# mtbench_cold_sources(FILE...): the same for single files of other libraries (model manifests,
# dataset registries, plugin loading), set from the directory whose CMakeLists.txt creates their target.
function(mtbench_cold_sources)
  if(MTBENCH_COLD_OPTIMIZATION)
    set_source_files_properties(${ARGN} DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} PROPERTIES
      COMPILE_OPTIONS ${MTBENCH_COLD_OPTIMIZATION})
  endif()
endfunction()
