# Code that ends up in libkashim.so, which is loaded into every kind of process, is built to need
# libc alone: no C++ runtime (no exceptions, RTTI, thread-safe statics or operator new), hidden
# symbols, position-independent. Sections per function and object let the linker drop what the
# library never calls: less to map at every program's start.
set(KASHIM_FREESTANDING_FLAGS -fno-exceptions -fno-rtti -fno-threadsafe-statics -ffunction-sections -fdata-sections)

function(kashim_freestanding target)
  target_compile_options(${target} PRIVATE ${KASHIM_FREESTANDING_FLAGS})
  set_target_properties(${target} PROPERTIES
    POSITION_INDEPENDENT_CODE ON
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
endfunction()
