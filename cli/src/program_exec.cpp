#include "program_exec.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "diagnostics.h"

namespace kashim::cli {

std::vector<char*> argv_of(const std::vector<std::string>& program) {
    std::vector<char*> arguments;
    for (const std::string& argument : program) arguments.push_back(const_cast<char*>(argument.c_str()));
    arguments.push_back(nullptr);
    return arguments;
}

int exec_program(const std::vector<std::string>& program, char* const* environment) {
    std::vector<char*> arguments = argv_of(program);
    // execvpe searches our own PATH, which the program shares: kashim never changes it.
    execvpe(arguments[0], arguments.data(), environment);
    int error = errno;
    say(program[0] + ": " + std::strerror(error));
    return error == ENOENT ? kExitNotFound : kExitCannotRun;
}

}  // namespace kashim::cli
