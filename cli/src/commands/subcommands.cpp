#include "commands/subcommands.h"

#include "commands/apply.h"
#include "commands/attach.h"
#include "commands/attached.h"
#include "commands/check.h"
#include "commands/detach.h"
#include "commands/drill.h"
#include "commands/stats.h"
#include "commands/status.h"
#include "setting_options_help.h"

namespace kashim::cli {

const std::vector<const Subcommand*>& subcommands() {
    static const std::vector<const Subcommand*> table = {
        &kStatusCommand,
        &kCheckCommand,
        &kApplyCommand,
        &kAttachCommand,
        &kDetachCommand,
        &kAttachedCommand,
        &kStatsCommand,
        &kDrillCommand,
    };
    return table;
}

std::string subcommand_help(const Subcommand& subcommand, const SubcommandHelp& help) {
    std::string text = "Usage: kashim " + std::string(subcommand.synopsis) + "\n\n";
    text += std::string(help.description) + "\n";
    if (help.takes_settings) text += setting_options_help("Settings, each as its variable") + "\n";
    return text + "Options:\n" + help.options +
           "  -h, --help      show this help\n"
           "\n"
           "Exit status: " +
           std::string(help.exit_status) + "\nSee " + std::string(help.manual_section) + " in kashim(1).\n";
}

const Subcommand* find_subcommand(std::string_view name) {
    for (const Subcommand* subcommand : subcommands())
        if (subcommand->name == name) return subcommand;
    return nullptr;
}

}  // namespace kashim::cli
