# Install layout (GNUInstallDirs) and the Debian package (cpack -G DEB), for the whole project.
include(GNUInstallDirs)
install(TARGETS kashim LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS kashim_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${KASHIM_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/operations.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)

set(CPACK_PACKAGE_NAME kashim)
set(CPACK_PACKAGE_VENDOR "kashim")
set(CPACK_PACKAGE_CONTACT "kashim maintainers <kashim@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
  "kashim puts TCP keepalive on every TCP socket of an unmodified program through an\n LD_PRELOAD library, libkashim.so, and the kashim command that wraps programs with it\n and reports the keepalive state of running processes.")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# The package's binaries are stripped, and the debug data ships beside them as Debian does it, in
# kashim-dbgsym_*.ddeb (by build id). CPack strips them itself for that, so CPACK_STRIP_FILES
# stays off: stripped first, there would be nothing to split off.
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
find_program(KASHIM_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(KASHIM_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  # Both binaries need libc alone (the command links libstdc++ statically).
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.34)")
endif()
include(CPack)
