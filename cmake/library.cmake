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
