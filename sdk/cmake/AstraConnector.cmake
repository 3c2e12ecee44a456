# astra_add_connector(<id> SOURCES <files...>)
# Builds a connector plugin as a MODULE library named <id>.so (the id the plugin declares), with
# hidden visibility so that only astra_connector_entry is exported.
function(astra_add_connector id)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  add_library(${id} MODULE ${ARG_SOURCES})
  set_target_properties(${id} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${id} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  elseif(DEFINED ASTRA_PLUGIN_DIR)
    set_target_properties(${id} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ASTRA_PLUGIN_DIR})
  endif()
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    target_link_options(${id} PRIVATE -Wl,--no-undefined -Wl,--exclude-libs,ALL)
  endif()
  if(TARGET astra::sdk)
    target_link_libraries(${id} PRIVATE astra::sdk ${ARG_LIBRARIES})
  else()
    target_link_libraries(${id} PRIVATE astra_sdk::sdk ${ARG_LIBRARIES})
  endif()
endfunction()
