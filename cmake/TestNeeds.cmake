# What a test needs of the machine beyond an ordinary process, as a ctest label, so that a run
# which cannot give it leaves the test out by label and says why (scripts/test prints the reason
# for each label it leaves out; the aarch64 run under qemu-user leaves out all of these):
#   needs-bpf            the bpf() system call (cgroup mode)
#   needs-seccomp        seccomp filters, with user notification for the supervisor
#   needs-setuid         the setuid and setgid bits and file capabilities honoured at exec
#   needs-host-programs  the machine's own python3, node, curl, ... able to load the library built
#                        here (not so when it is built for another architecture)
#   needs-page-faults    the kernel's count of a program's own page faults
# Tests that find a missing feature themselves report skipped instead and carry no label.

# kashim_test_needs(LABEL [BASE_LABELS labels...] TESTS names...): TESTS, in this directory, get
# LABEL. A test made by add_test gets it added to its own. A test gtest_discover_tests finds at
# build time gets it from a script ctest reads once that test is defined (call this after
# gtest_discover_tests), beside BASE_LABELS, which must repeat the labels it was given there.
function(kashim_test_needs label)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "BASE_LABELS;TESTS")
  if(NOT label MATCHES "^needs-(bpf|seccomp|setuid|host-programs|page-faults)$")
    message(FATAL_ERROR "kashim_test_needs: unknown label '${label}' (cmake/TestNeeds.cmake lists them)")
  endif()
  set(discovered "")
  foreach(name IN LISTS arg_TESTS)
    if(TEST ${name})
      set_property(TEST ${name} APPEND PROPERTY LABELS ${label})
    else()
      string(APPEND discovered " [==[${name}]==]")
    endif()
  endforeach()
  if(NOT discovered)
    return()
  endif()
  if(NOT arg_BASE_LABELS)
    message(FATAL_ERROR "kashim_test_needs: tests found at build time need BASE_LABELS:${discovered}")
  endif()
  get_property(count DIRECTORY PROPERTY KASHIM_TEST_NEEDS_SCRIPTS)
  math(EXPR count "${count} + 1")
  set_property(DIRECTORY PROPERTY KASHIM_TEST_NEEDS_SCRIPTS ${count})
  set(script ${CMAKE_CURRENT_BINARY_DIR}/kashim_test_needs_${count}.cmake)
  string(JOIN ";" labels ${arg_BASE_LABELS} ${label})
  file(WRITE ${script} "set_tests_properties(${discovered} PROPERTIES LABELS [==[${labels}]==])\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${script})
endfunction()
