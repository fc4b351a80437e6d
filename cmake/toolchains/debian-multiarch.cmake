# What every cross toolchain file here shares: KASHIM_CROSS_TRIPLET and CMAKE_SYSTEM_PROCESSOR are
# set by the file that includes this one.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${KASHIM_CROSS_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${KASHIM_CROSS_TRIPLET}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${KASHIM_CROSS_TRIPLET})
set(CMAKE_FIND_ROOT_PATH /usr/${KASHIM_CROSS_TRIPLET})
# Programs run on the build machine; libraries, headers and CMake packages are the target's, found
# in its cross root or in the multiarch directories (/usr/lib/<triplet>) the search adds.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
# The build machine's pkg-config, reading only the target's .pc files: otherwise it would report
# the build machine's libbpf as found.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${KASHIM_CROSS_TRIPLET}/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
# gtest_discover_tests lists a test program's cases by running it at build time.
find_program(KASHIM_QEMU qemu-${CMAKE_SYSTEM_PROCESSOR}-static qemu-${CMAKE_SYSTEM_PROCESSOR})
if(KASHIM_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${KASHIM_QEMU})
endif()
