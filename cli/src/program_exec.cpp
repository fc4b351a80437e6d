#include "program_exec.h"

#include "runner/in_place.h"

namespace kashim::cli {

std::vector<char*> argv_of(const std::vector<std::string>& program) {
    std::vector<char*> arguments;
    for (const std::string& argument : program) arguments.push_back(const_cast<char*>(argument.c_str()));
    arguments.push_back(nullptr);
    return arguments;
}

int exec_program(const std::vector<std::string>& program, char* const* environment) {
    std::vector<char*> arguments = argv_of(program);
    return exec_in_place(arguments.data(), environment);
}

}  // namespace kashim::cli
