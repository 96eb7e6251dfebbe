# mlscale_module(NAME HEADERS h... [DEPS module...] [SOURCES extra...] [PUBLIC_LIBS ...] [PRIVATE_LIBS ...])
#
# Declares the static library mlscale_NAME from src/NAME/*.cpp. HEADERS are the module's public
# headers in include/mlscale/ (without .hpp); DEPS the modules it may use, which must be declared
# before it. The module compiles against build/layers/NAME/, a tree of links to its own headers and
# to those of its dependencies (transitively) and nothing else: including another module's header
# is a compile error ("mlscale/recommend.hpp: No such file or directory"), so the layering in
# docs/ARCHITECTURE.md cannot erode unnoticed.
function(mlscale_module name)
  cmake_parse_arguments(M "" "" "HEADERS;DEPS;SOURCES;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  add_library(mlscale_${name} STATIC ${sources} ${M_SOURCES})

  set(visible ${M_HEADERS})
  foreach(dep IN LISTS M_DEPS)
    get_property(dep_visible GLOBAL PROPERTY MLSCALE_VISIBLE_${dep})
    if(NOT DEFINED dep_visible OR dep_visible STREQUAL "")
      message(FATAL_ERROR "mlscale_module(${name}): module ${dep} is not declared before it")
    endif()
    list(APPEND visible ${dep_visible})
  endforeach()
  list(REMOVE_DUPLICATES visible)
  set_property(GLOBAL PROPERTY MLSCALE_VISIBLE_${name} ${visible})
  set_property(GLOBAL APPEND PROPERTY MLSCALE_OWNED_HEADERS ${M_HEADERS})

  set(layer ${PROJECT_BINARY_DIR}/layers/${name})
  file(REMOVE_RECURSE ${layer})
  file(MAKE_DIRECTORY ${layer}/mlscale)
  foreach(header IN LISTS visible)
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/include/mlscale/${header}.hpp ${layer}/mlscale/${header}.hpp SYMBOLIC)
  endforeach()
  # The generated version header is data, not an interface: every module may read it.
  file(CREATE_LINK ${PROJECT_BINARY_DIR}/generated/mlscale/version.hpp ${layer}/mlscale/version.hpp SYMBOLIC)
  # The module's own private headers (src/<module>/*.hpp) for generated sources built into it.
  target_include_directories(mlscale_${name} PRIVATE ${layer} ${PROJECT_SOURCE_DIR}/src/${name})
  set(dep_targets)
  foreach(dep IN LISTS M_DEPS)
    list(APPEND dep_targets mlscale_${dep})
  endforeach()
  target_link_libraries(mlscale_${name} PUBLIC ${dep_targets} ${M_PUBLIC_LIBS} PRIVATE mlscale_settings ${M_PRIVATE_LIBS})
  # Third-party headers every module may use (header-only in Debian, or their compiled parts in core).
  target_link_libraries(mlscale_${name} PUBLIC nlohmann_json::nlohmann_json mlscale_fmt)
endfunction()

# Every public header belongs to exactly one module.
function(mlscale_check_headers_owned)
  get_property(owned GLOBAL PROPERTY MLSCALE_OWNED_HEADERS)
  file(GLOB headers RELATIVE ${PROJECT_SOURCE_DIR}/include/mlscale ${PROJECT_SOURCE_DIR}/include/mlscale/*.hpp)
  foreach(header IN LISTS headers)
    string(REGEX REPLACE "\\.hpp$" "" stem ${header})
    list(FIND owned ${stem} at)
    if(at EQUAL -1)
      message(FATAL_ERROR "include/mlscale/${header} belongs to no module: add it to a mlscale_module() HEADERS list in CMakeLists.txt")
    endif()
  endforeach()
  set(seen)
  foreach(stem IN LISTS owned)
    list(FIND seen ${stem} at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "include/mlscale/${stem}.hpp is listed in two modules")
    endif()
    list(APPEND seen ${stem})
  endforeach()
endfunction()
