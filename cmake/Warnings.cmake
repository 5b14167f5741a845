option(POOLAUDIT_WERROR "Treat warnings as errors" OFF)
set(POOLAUDIT_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wimplicit-fallthrough)
if(POOLAUDIT_WERROR)
  list(APPEND POOLAUDIT_WARNINGS -Werror)
endif()
function(poolaudit_warnings target)
  target_compile_options(${target} PRIVATE ${POOLAUDIT_WARNINGS})
endfunction()

option(POOLAUDIT_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(POOLAUDIT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  # Tests that re-audit every fixture many times sample them here: the sanitizers hunt memory
  # errors, and the plain build checks every case.
  add_compile_definitions(POOLAUDIT_SANITIZED=1)
endif()
