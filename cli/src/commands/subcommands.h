// The named subcommands, `kashim NAME ...`: what each one provides, and the table that main()
// dispatches through and `kashim --help` lists. A new subcommand is its own file here, which
// defines its Subcommand, and one line in the table (subcommands.cpp) with the #include for it.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "command_line.h"
#include "diagnostics.h"

namespace kashim::cli {

struct Subcommand {
    std::string_view name;
    std::string_view synopsis;  // its usage after "kashim ", as its --help and kashim --help show it
    std::string_view summary;   // its one line under "Commands:" in kashim --help
    // Given the arguments after its name; returns kashim's exit status.
    int (*run)(const Arguments& args);
};

// What `kashim NAME --help` shows below its usage line, in lines of at most 80 columns.
struct SubcommandHelp {
    std::string_view description;     // what it does
    std::string options;              // its own, "  --name VALUE    meaning"; -h, --help is added
    std::string_view exit_status;     // after "Exit status: "
    std::string_view manual_section;  // where kashim(1) says more
    bool takes_settings = false;      // the setting options are listed too
};

std::string subcommand_help(const Subcommand& subcommand, const SubcommandHelp& help);

// In the order kashim --help lists them.
const std::vector<const Subcommand*>& subcommands();

// The subcommand called `name`, or null.
const Subcommand* find_subcommand(std::string_view name);

// What every command does with its parser's outcome: a usage error, its help, or the command.
template <typename Options>
int answer(const Parsed<Options>& parsed, std::string (*help)(), int (*act)(const Options&)) {
    if (!parsed.error.empty()) return usage_error(parsed.error);
    if (parsed.help) {
        std::fputs(help().c_str(), stdout);
        return 0;
    }
    return act(parsed.options);
}

}  // namespace kashim::cli
