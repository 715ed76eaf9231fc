# The CMake package out-of-tree plugins build against: `find_package(mtbench)` gives
# `mtbench::plugin_api`, an INTERFACE target carrying the interface headers (standard library
# only: systems/plugin_api.h, translator.h, explanation.h) and C++17.
#
#   build tree:  cmake -S examples/plugin -B B -Dmtbench_DIR=<mtbench build dir>
#   installed:   cmake --install <build dir> --prefix P;  cmake ... -DCMAKE_PREFIX_PATH=P
include(CMakePackageConfigHelpers)
include(GNUInstallDirs)

add_library(mtbench_plugin_api INTERFACE)
add_library(mtbench::plugin_api ALIAS mtbench_plugin_api)
set_target_properties(mtbench_plugin_api PROPERTIES EXPORT_NAME plugin_api)
target_include_directories(mtbench_plugin_api INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/mtbench>)
target_compile_features(mtbench_plugin_api INTERFACE cxx_std_17)

# The interface version, read from the header so there is one source of truth.
file(STRINGS ${PROJECT_SOURCE_DIR}/systems/plugin_api.h mtbench_api_line
  REGEX "^#define MTBENCH_PLUGIN_API_VERSION [0-9]+")
string(REGEX REPLACE ".* ([0-9]+)$" "\\1" MTBENCH_PLUGIN_API_VERSION "${mtbench_api_line}")

set(mtbench_config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/mtbench)
set(mtbench_config_text [=[
# mtbench CMake package: provides mtbench::plugin_api for system plugins.
include("${CMAKE_CURRENT_LIST_DIR}/mtbenchTargets.cmake")
set(mtbench_PLUGIN_API_VERSION @MTBENCH_PLUGIN_API_VERSION@)
set(mtbench_CXX_COMPILER_ID "@CMAKE_CXX_COMPILER_ID@")
set(mtbench_CXX_COMPILER_VERSION "@CMAKE_CXX_COMPILER_VERSION@")
# Plugins exchange C++ objects with mtbench, so they must use the same compiler family and
# major version (mtbench checks this at load time and refuses a mismatching plugin).
if(CMAKE_CXX_COMPILER_ID AND NOT CMAKE_CXX_COMPILER_ID STREQUAL mtbench_CXX_COMPILER_ID)
  message(WARNING "mtbench was built with ${mtbench_CXX_COMPILER_ID} ${mtbench_CXX_COMPILER_VERSION}, "
    "this plugin with ${CMAKE_CXX_COMPILER_ID}: mtbench will refuse to load it")
endif()
]=])
string(CONFIGURE "${mtbench_config_text}" mtbench_config_text @ONLY)
file(WRITE ${PROJECT_BINARY_DIR}/mtbenchConfig.cmake "${mtbench_config_text}")
write_basic_package_version_file(${PROJECT_BINARY_DIR}/mtbenchConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)

install(TARGETS mtbench_plugin_api EXPORT mtbenchTargets)
install(FILES systems/plugin_api.h systems/translator.h systems/explanation.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/mtbench/systems)
install(TARGETS mtbench RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The SentencePiece module (corpus/spm_api.h) is looked up in <prefix>/lib/mtbench.
install(TARGETS mtbench_spm LIBRARY DESTINATION lib/mtbench)
# So is the neural module with LibTorch (systems/neural/neural_module_api.h).
if(TARGET mtbench_neural_module)
  install(TARGETS mtbench_neural_module LIBRARY DESTINATION lib/mtbench)
endif()
install(EXPORT mtbenchTargets NAMESPACE mtbench:: DESTINATION ${mtbench_config_dir})
install(FILES ${PROJECT_BINARY_DIR}/mtbenchConfig.cmake ${PROJECT_BINARY_DIR}/mtbenchConfigVersion.cmake
  DESTINATION ${mtbench_config_dir})
export(EXPORT mtbenchTargets NAMESPACE mtbench:: FILE ${PROJECT_BINARY_DIR}/mtbenchTargets.cmake)
