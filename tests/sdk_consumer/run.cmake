# The third-party experience, end to end: install the SDK alone into a fresh prefix, build the
# echo example against the installed package, check its exported symbols, and load it from C.
# Driven by ctest (tests/sdk/CMakeLists.txt) with -DBUILD_DIR -DSOURCE_DIR -DWORK_DIR
# -DC_COMPILER -DCXX_COMPILER -DNM.
foreach(var BUILD_DIR SOURCE_DIR WORK_DIR C_COMPILER CXX_COMPILER NM)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "sdk_consumer: ${var} is not set")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  TIMEOUT 120)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "sdk_consumer: command failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

# 1. Install only the SDK component.
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --component sdk --prefix ${prefix})
foreach(f include/astra/connector.h include/astra/connector.hpp include/astra/sdk/l2_book.hpp
          lib/cmake/astra-sdk/astra-sdk-config.cmake lib/cmake/astra-sdk/AstraConnector.cmake)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "sdk_consumer: ${f} was not installed")
  endif()
endforeach()

# 2. Configure and build the example exactly as a third party would, warnings as errors.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/sdk/examples/echo -B ${WORK_DIR}/echo
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Wpedantic -Wshadow -Werror")
run(${CMAKE_COMMAND} --build ${WORK_DIR}/echo)
set(plugin ${WORK_DIR}/echo/echo.so)
if(NOT EXISTS ${plugin})
  message(FATAL_ERROR "sdk_consumer: ${plugin} was not built")
endif()

# 3. Exactly one exported function: astra_connector_entry.
run(${NM} -D --defined-only ${plugin})
string(REGEX MATCHALL "[^\n]+" lines "${run_output}")
set(exported "")
foreach(line ${lines})
  string(REGEX REPLACE "^[0-9a-fA-F]* *[A-Za-z] " "" name "${line}")
  list(APPEND exported ${name})
endforeach()
if(NOT exported STREQUAL "astra_connector_entry")
  message(FATAL_ERROR "sdk_consumer: echo.so exports [${exported}], expected only "
                      "astra_connector_entry")
endif()

# 4. A C99 host loads it through the installed connector.h only.
run(${C_COMPILER} -std=c99 -pedantic -Wall -Wextra -Werror -I${prefix}/include
    ${SOURCE_DIR}/tests/sdk_consumer/load_echo.c -o ${WORK_DIR}/load_echo -ldl)
run(${WORK_DIR}/load_echo ${plugin})
message(STATUS "${run_output}")
message(STATUS "sdk_consumer: installed SDK builds a loadable plugin")
