// kashim's entry point: only picks the command. argv[1] names a subcommand (status, check, ...;
// the table is commands/subcommands.cpp); anything else is the default command, `kashim
// [OPTIONS] [--] PROGRAM` (commands/run.cpp). Each command parses its own arguments.
#include "commands/run.h"
#include "commands/subcommands.h"

int main(int argc, char** argv) {
    using namespace kashim::cli;
    Arguments args(argv + 1, argv + argc);
    if (!args.empty())
        if (const Subcommand* subcommand = find_subcommand(args.front()))
            return subcommand->run(Arguments(args.begin() + 1, args.end()));
    return run_command(args);
}
