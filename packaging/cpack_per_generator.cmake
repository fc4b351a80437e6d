# Read by cpack for each generator. The RPM ships stripped binaries (its debuginfo package would
# need the source tree's path to be longer than the debug source prefix, which a clone in /tmp is
# not); the .deb strips them itself, moving the debug data into its -dbgsym package.
# Shared libraries are executable on RPM systems and not on Debian (each distribution's checker
# wants its own), so the mode is set here for the RPM alone.
if(CPACK_GENERATOR STREQUAL "RPM")
  set(CPACK_STRIP_FILES ON)
  set(CPACK_RPM_USER_FILELIST "%attr(0755,root,root) /usr/${CPACK_KASHIM_LIBDIR}/libkashim.so")
endif()
