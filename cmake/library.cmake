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
