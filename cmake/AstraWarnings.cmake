# astra_warnings: the warning policy for our own targets (never exported to plugin authors).
add_library(astra_warnings INTERFACE)
target_compile_options(astra_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                       -Wnon-virtual-dtor -Woverloaded-virtual)
if(ASTRA_WARNINGS_AS_ERRORS)
  target_compile_options(astra_warnings INTERFACE -Werror)
endif()
