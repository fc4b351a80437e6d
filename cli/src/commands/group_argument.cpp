#include "commands/group_argument.h"

namespace kashim::cli {

bool GroupArgument::take(std::string_view arg, Cursor& cursor, std::string& error) {
    if (names_option(arg, "unit")) {
        take_value(arg, cursor, group_.unit, error);
    } else if (names_option(arg, "pid")) {
        std::string pid;
        if (take_value(arg, cursor, pid, error)) group_.pid = process_id(pid, command_, error);
    } else if (!is_option(arg)) {
        group_.path = std::string(arg);
    } else {
        return false;
    }
    ++times_named_;
    return true;
}

bool GroupArgument::named_once(std::string& error) const {
    if (times_named_ == 1) return true;
    error = std::string(command_) + ": name exactly one group: a cgroup v2 directory, --unit NAME or --pid PID";
    return false;
}

}  // namespace kashim::cli
