#include "process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "scenarios.h"

namespace kashim_bench {
namespace {

std::vector<char*> null_terminated(const std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    for (const std::string& text : strings) pointers.push_back(const_cast<char*>(text.c_str()));
    pointers.push_back(nullptr);
    return pointers;
}

}  // namespace

std::string run_captured(const std::vector<std::string>& argv, const std::vector<std::string>& environment) {
    int output[2];
    checked(pipe2(output, O_CLOEXEC), "pipe2");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, output[1], STDOUT_FILENO);

    std::vector<char*> args = null_terminated(argv), env = null_terminated(environment);
    pid_t child;
    errno = posix_spawn(&child, args[0], &actions, nullptr, args.data(), env.data());
    if (errno != 0) die(args[0]);
    posix_spawn_file_actions_destroy(&actions);
    close(output[1]);

    std::string text;
    char buffer[4096];
    for (ssize_t got; (got = read(output[0], buffer, sizeof buffer)) != 0;) {
        if (got < 0 && errno == EINTR) continue;
        text.append(buffer, static_cast<size_t>(checked(got, "read")));
    }
    close(output[0]);

    int status = 0;
    checked(waitpid(child, &status, 0), "waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::string command;
        for (const std::string& arg : argv) command += (command.empty() ? "" : " ") + arg;
        std::fprintf(stderr, "kashim_bench: '%s' failed (status %d)\n", command.c_str(), status);
        std::exit(2);
    }
    return text;
}

}  // namespace kashim_bench
