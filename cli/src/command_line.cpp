#include "command_line.h"

#include <algorithm>
#include <climits>

#include "core/duration.h"

namespace kashim::cli {
namespace {

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// "idle" for "--idle" and "--idle=30"; empty for anything else.
std::string_view long_option_name(std::string_view arg) {
    if (arg.compare(0, 2, "--") != 0) return {};
    return arg.substr(2, arg.find('=') - 2);
}

}  // namespace

bool is_help(std::string_view arg) { return arg == "--help" || arg == "-h"; }

bool is_option(std::string_view arg) { return arg.size() > 1 && arg[0] == '-'; }

bool names_option(std::string_view arg, std::string_view name) {
    return !name.empty() && long_option_name(arg) == name;
}

bool take_value(std::string_view arg, Cursor& cursor, std::string& value, std::string& error) {
    if (size_t equals = arg.find('='); equals != std::string_view::npos) {
        value = std::string(arg.substr(equals + 1));
        return true;
    }
    if (cursor.done()) {
        error = "option " + quoted(arg) + " needs a value";
        return false;
    }
    value = std::string(cursor.take());
    return true;
}

bool take_setting(std::string_view arg, Cursor& cursor, std::vector<SettingAssignment>& settings,
                  std::string& error) {
    const SettingOption* option = find_setting_option(long_option_name(arg));
    if (option == nullptr) {
        error = unknown_option(arg);
        return false;
    }
    std::string value;
    if (!take_value(arg, cursor, value, error)) return false;
    if (std::optional<std::string> problem = setting_problem(*option, value)) {
        error = *problem;
        return false;
    }
    settings.push_back({option, std::move(value)});
    return true;
}

std::string unknown_option(std::string_view arg) {
    std::string error = "unknown option " + quoted(arg);
    // However many dashes it was typed with: "-idel" is as near to --idle as "--idel" is.
    size_t start = std::min(arg.find_first_not_of('-'), arg.size());
    std::string_view name = arg.substr(start);
    std::string suggestion = closest_option(name.substr(0, name.find('=')));
    // A setting option given to a command that takes none is its own nearest name: no help there.
    if (!suggestion.empty() && suggestion != arg.substr(0, arg.find('=')))
        error += "; did you mean " + suggestion + "?";
    return error;
}

int process_id(std::string_view arg, std::string_view command, std::string& error) {
    ParsedNumber pid = parse_count(arg);
    if (pid.error == NumberError::None && pid.value != 0 && pid.value <= INT_MAX) return static_cast<int>(pid.value);
    error = std::string(command) + ": " + quoted(arg) + " is not a process id";
    return 0;
}

bool take_process_id(std::string_view arg, std::string_view command, std::vector<int>& pids, std::string& error) {
    int pid = process_id(arg, command, error);
    if (pid != 0) pids.push_back(pid);
    return pid != 0;
}

}  // namespace kashim::cli
