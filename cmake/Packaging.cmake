# Install layout (GNUInstallDirs), the Debian package (cpack -G DEB) and the RPM (cpack -G RPM),
# for the whole project. The library goes to the distribution's library directory: Debian's
# multiarch one (lib/x86_64-linux-gnu), set at the top level; an RPM build configures with
# -DCMAKE_INSTALL_LIBDIR=lib64 (%{_libdir}).
include(GNUInstallDirs)
install(TARGETS kashim LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS kashim_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${KASHIM_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
# The README links into docs/: installed beside it in the same layout, its links resolve.
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
file(GLOB kashim_docs ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${kashim_docs} DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)

set(KASHIM_PACKAGE_MAINTAINER "kashim maintainers <maintainers@kashim.dev>" CACHE STRING
    "Who signs the packages and their changelogs: \"Name <address>\"")

# One list of changes, rendered for both packages.
include(${CMAKE_CURRENT_LIST_DIR}/Changelogs.cmake)
set(kashim_debian_changelog ${PROJECT_BINARY_DIR}/packaging/changelog)
set(kashim_rpm_changelog ${PROJECT_BINARY_DIR}/packaging/rpm-changelog)
kashim_render_changelogs(${PROJECT_SOURCE_DIR}/packaging/changes ${kashim_debian_changelog} ${kashim_rpm_changelog})
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/packaging/changes)
add_custom_command(OUTPUT ${kashim_debian_changelog}.gz
  COMMAND gzip -9nfk ${kashim_debian_changelog}
  DEPENDS ${kashim_debian_changelog}
  COMMENT "Compressing the changelog")
add_custom_target(kashim_changelog ALL DEPENDS ${kashim_debian_changelog}.gz)
install(FILES ${kashim_debian_changelog}.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})
# What lintian would otherwise flag and is right for this package, each with its reason.
install(FILES ${PROJECT_SOURCE_DIR}/packaging/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides
        RENAME kashim)

set(CPACK_PACKAGE_NAME kashim)
set(CPACK_PACKAGE_VENDOR "kashim")
set(CPACK_PACKAGE_CONTACT "${KASHIM_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
# Lines of at most 80 characters, as Debian's policy wants them.
set(CPACK_PACKAGE_DESCRIPTION "kashim puts TCP keepalive on every TCP socket of an unmodified program,
so a program blocked on a connection whose peer is gone notices it. It works
through an LD_PRELOAD library (libkashim.so), a seccomp supervisor for static
and Go programs, and BPF programs attached to a cgroup for running services.")
set(CPACK_GENERATOR DEB)
# Labelled with the architecture built for (CPack would otherwise ask the build machine).
if(KASHIM_DEBIAN_ARCHITECTURE)
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${KASHIM_DEBIAN_ARCHITECTURE})
endif()
set(CPACK_RPM_PACKAGE_ARCHITECTURE ${CMAKE_SYSTEM_PROCESSOR})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# The package's binaries are stripped, and the debug data ships beside them as Debian does it, in
# kashim-dbgsym_*.ddeb (by build id). CPack strips them itself for that, so CPACK_STRIP_FILES
# stays off: stripped first, there would be nothing to split off.
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
# The library is in a directory ldconfig reads: dpkg's ldconfig trigger runs it, the way Debian
# packages do it now. Scripts of the package's own keep CPack from writing ones that call
# ldconfig themselves.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/packaging/triggers
    ${PROJECT_SOURCE_DIR}/packaging/postinst ${PROJECT_SOURCE_DIR}/packaging/postrm)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://kashim.dev")
find_program(KASHIM_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(KASHIM_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.34)")
endif()

set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_KASHIM_LIBDIR ${CMAKE_INSTALL_LIBDIR})
set(CPACK_RPM_PACKAGE_LICENSE "MIT")
set(CPACK_RPM_PACKAGE_GROUP "System Environment/Libraries")
set(CPACK_RPM_PACKAGE_URL "https://kashim.dev")
set(CPACK_RPM_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_RPM_CHANGELOG_FILE ${kashim_rpm_changelog})
set(CPACK_RPM_PACKAGE_AUTOREQ ON)
# The packager named in the header; no /usr/lib/.build-id links (the command's package is not the
# place for them, and nothing installs the debug data they would point at).
set(CPACK_RPM_SPEC_MORE_DEFINE "Packager: ${KASHIM_PACKAGE_MAINTAINER}\n%define _build_id_links none")
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/packaging/cpack_per_generator.cmake)
# Directories the filesystem package owns.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION /usr/share/man /usr/share/man/man1 /usr/share/lintian
    /usr/share/lintian/overrides /usr/lib64 /usr/share/doc)
include(CPack)
