# Cross build for 64-bit ARM Linux (glibc) from a Debian machine with the arm64 architecture added:
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install g++-aarch64-linux-gnu libgtest-dev:arm64 libbpf-dev:arm64 musl-dev:arm64 ...
#   cmake -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
# (scripts/install-deps --cross aarch64 installs all of it). The target's libraries live in
# Debian's multiarch directories (/usr/lib/aarch64-linux-gnu), which the cross compiler searches
# itself; the tests run through qemu-user (binfmt_misc), as scripts/test-cross does.
set(KASHIM_CROSS_TRIPLET aarch64-linux-gnu)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/debian-multiarch.cmake)
