#include "commands/subcommands.h"

#include "commands/apply.h"
#include "commands/attach.h"
#include "commands/attached.h"
#include "commands/check.h"
#include "commands/detach.h"
#include "commands/status.h"

namespace kashim::cli {

const std::vector<const Subcommand*>& subcommands() {
    static const std::vector<const Subcommand*> table = {
        &kStatusCommand,
        &kCheckCommand,
        &kApplyCommand,
        &kAttachCommand,
        &kDetachCommand,
        &kAttachedCommand,
    };
    return table;
}

const Subcommand* find_subcommand(std::string_view name) {
    for (const Subcommand* subcommand : subcommands())
        if (subcommand->name == name) return subcommand;
    return nullptr;
}

}  // namespace kashim::cli
