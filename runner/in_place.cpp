#include "in_place.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace kashim {

bool start_detached_helper(const std::function<void()>& helper) {
    // Two forks: the middle process exits at once, so the helper is reparented (to init or the
    // nearest subreaper) and is no child of the process that becomes the program. The middle
    // process makes the new session before the helper exists, so the helper is out of the
    // program's process group by the time this returns: a kill of that group (Ctrl-C, or a
    // harness cleaning up after a program that ended at once) never reaches it.
    pid_t middle = fork();
    if (middle < 0) return false;
    if (middle == 0) {
        if (setsid() < 0) _exit(1);  // no controlling terminal: Ctrl-C and SIGHUP are the program's alone
        pid_t helper_process = fork();
        if (helper_process == 0) {
            helper();
            _exit(0);
        }
        _exit(helper_process < 0 ? 1 : 0);
    }
    int status = 0;
    while (waitpid(middle, &status, 0) < 0)
        if (errno != EINTR) return false;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
    errno = EAGAIN;
    return false;
}

int exec_in_place(char* const argv[], char* const environment[]) {
    // execvpe searches our own PATH, which the program shares: kashim never changes it.
    execvpe(argv[0], argv, environment);
    int error = errno;
    std::fprintf(stderr, "kashim: %s: %s\n", argv[0], std::strerror(error));
    return error == ENOENT ? kExitNotFound : kExitCannotRun;
}

}  // namespace kashim
