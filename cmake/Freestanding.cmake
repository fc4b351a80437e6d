# Code that ends up in libkashim.so, which is loaded into every kind of process, is built to need
# libc alone: no C++ runtime (no exceptions, RTTI, thread-safe statics or operator new), hidden
# symbols, position-independent. Sections per function and object let the linker drop what the
# library never calls: less to map at every program's start.
set(KASHIM_FREESTANDING_FLAGS -fno-exceptions -fno-rtti -fno-threadsafe-statics -ffunction-sections -fdata-sections)
# On aarch64, gcc's default -moutline-atomics calls libgcc's atomic helpers, which choose LSE at
# run time through __getauxval: a glibc-only symbol, so a musl (Alpine) program given the library
# could not start ("Error relocating libkashim.so: __getauxval: symbol not found"). Inline
# load/store-exclusive atomics run on every ARMv8 core and need nothing from libc.
# The musl test programs need the same (cmake/MuslPrograms.cmake).
set(KASHIM_LIBC_NEUTRAL_ATOMICS "")
include(CheckCXXCompilerFlag)
check_cxx_compiler_flag(-mno-outline-atomics KASHIM_HAS_NO_OUTLINE_ATOMICS)
if(KASHIM_HAS_NO_OUTLINE_ATOMICS AND CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
  set(KASHIM_LIBC_NEUTRAL_ATOMICS -mno-outline-atomics)
endif()
list(APPEND KASHIM_FREESTANDING_FLAGS ${KASHIM_LIBC_NEUTRAL_ATOMICS})

function(kashim_freestanding target)
  target_compile_options(${target} PRIVATE ${KASHIM_FREESTANDING_FLAGS})
  set_target_properties(${target} PROPERTIES
    POSITION_INDEPENDENT_CODE ON
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
endfunction()
