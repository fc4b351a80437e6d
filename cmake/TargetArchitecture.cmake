# The architecture kashim is built for, in the names other tools give it: Debian's (dpkg, the
# .deb's label) and Go's (GOARCH, for the Go test programs). Empty where kashim knows no name.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|amd64|AMD64)$")
  set(KASHIM_DEBIAN_ARCHITECTURE amd64)
  set(KASHIM_GO_ARCHITECTURE amd64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
  set(KASHIM_DEBIAN_ARCHITECTURE arm64)
  set(KASHIM_GO_ARCHITECTURE arm64)
else()
  set(KASHIM_DEBIAN_ARCHITECTURE "")
  set(KASHIM_GO_ARCHITECTURE "")
endif()
