# Test programs built against musl (Alpine's C library) with Debian's musl-gcc, so the tests show
# that the one libkashim.so loads and works in musl programs as in glibc ones.
# KASHIM_MUSL_UNAVAILABLE is empty when they can be built and run, else the reason, which the
# tests that need them report when they skip (it travels as a compile definition and a command
# line argument, so it holds no semicolon or quote).
# Debian's musl-dev names its wrapper after the target (aarch64-linux-musl-gcc, from musl-dev:arm64
# in a cross build); musl-tools adds plain musl-gcc for the build machine's own.
if(CMAKE_CROSSCOMPILING)
  find_program(KASHIM_MUSL_GCC ${CMAKE_SYSTEM_PROCESSOR}-linux-musl-gcc)
else()
  find_program(KASHIM_MUSL_GCC NAMES ${CMAKE_SYSTEM_PROCESSOR}-linux-musl-gcc musl-gcc)
endif()
set(KASHIM_MUSL_UNAVAILABLE "")
if(NOT KASHIM_MUSL_GCC)
  set(KASHIM_MUSL_UNAVAILABLE "no musl compiler for ${CMAKE_SYSTEM_PROCESSOR} (scripts/install-deps brings it with the Debian package musl-tools, or musl-dev for the target architecture)")
elseif(KASHIM_SANITIZE)
  set(KASHIM_MUSL_UNAVAILABLE
      "in this sanitizer build libkashim.so needs the glibc sanitizer runtime, which a musl program cannot load (the release build runs the musl cases)")
endif()

# kashim_add_musl_program(TARGET SOURCES...): builds ${CMAKE_CURRENT_BINARY_DIR}/musl/TARGET with
# musl-gcc (not instrumented: musl has no sanitizer runtime), only when musl is available.
# The program is in a directory of its own because Ninja gives each custom target a phony rule
# at ${CMAKE_CURRENT_BINARY_DIR}/TARGET: an output there too is "multiple rules generate" it.
function(kashim_add_musl_program target)
  if(KASHIM_MUSL_UNAVAILABLE)
    return()
  endif()
  kashim_musl_program_path(${target} output)
  set(sources)
  foreach(source IN LISTS ARGN)
    list(APPEND sources ${CMAKE_CURRENT_SOURCE_DIR}/${source})
  endforeach()
  get_filename_component(directory ${output} DIRECTORY)
  add_custom_command(OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${directory}
    COMMAND ${KASHIM_MUSL_GCC} -O2 -g -Wall -Wextra -pthread ${KASHIM_LIBC_NEUTRAL_ATOMICS} -o ${output} ${sources}
    DEPENDS ${sources}
    IMPLICIT_DEPENDS C ${sources}
    COMMENT "Building ${target} against musl")
  add_custom_target(${target} ALL DEPENDS ${output})
endfunction()

# The path a test is given for a musl program: empty when musl is unavailable.
function(kashim_musl_program_path target variable)
  if(KASHIM_MUSL_UNAVAILABLE)
    set(${variable} "" PARENT_SCOPE)
  else()
    set(${variable} ${CMAKE_CURRENT_BINARY_DIR}/musl/${target} PARENT_SCOPE)
  endif()
endfunction()
