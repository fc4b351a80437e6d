#include "command_line.h"

#include <climits>
#include <optional>

#include "core/duration.h"

namespace kashim::cli {
namespace {


std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

struct Cursor {
    const std::vector<std::string_view>& args;
    size_t next = 0;
    bool done() const { return next >= args.size(); }
    std::string_view take() { return args[next++]; }
};

// "--name=value" or "--name value"; false (and `error` set) when the value is missing.
bool take_value(std::string_view name, std::optional<std::string_view> inline_value, Cursor& cursor,
                std::string& value, std::string& error) {
    if (inline_value) {
        value = std::string(*inline_value);
        return true;
    }
    if (cursor.done()) {
        error = "option " + quoted("--" + std::string(name)) + " needs a value";
        return false;
    }
    value = std::string(cursor.take());
    return true;
}

std::string unknown_option(std::string_view arg) {
    std::string error = "unknown option " + quoted(arg);
    size_t start = arg.find_first_not_of('-');
    std::string_view name = start == std::string_view::npos ? std::string_view() : arg.substr(start);
    std::string suggestion = closest_option(name.substr(0, name.find('=')));
    if (!suggestion.empty()) error += "; did you mean " + suggestion + "?";
    return error;
}

// A process id, or 0 (and `error` set, naming `command`).
int process_id(std::string_view arg, std::string_view command, std::string& error) {
    ParsedNumber pid = parse_count(arg);
    if (pid.error == NumberError::None && pid.value != 0 && pid.value <= INT_MAX) return static_cast<int>(pid.value);
    error = std::string(command) + ": " + quoted(arg) + " is not a process id";
    return 0;
}

// A setting option (--idle 10, --detect=30s, ...) at the cursor, validated with the shim's
// messages. False with `error` empty when `arg` is not one.
bool take_setting(std::string_view arg, Cursor& cursor, Invocation& invocation, std::string& error) {
    const SettingOption* option = nullptr;
    size_t equals = arg.find('=');
    if (arg.compare(0, 2, "--") == 0) option = find_setting_option(arg.substr(2, equals - 2));
    if (option == nullptr) return false;
    std::string value;
    std::optional<std::string_view> inline_value;
    if (equals != std::string_view::npos) inline_value = arg.substr(equals + 1);
    if (!take_value(option->option, inline_value, cursor, value, error)) return false;
    if (std::optional<std::string> problem = setting_problem(*option, value)) {
        error = *problem;
        return false;
    }
    invocation.settings.push_back({option, std::move(value)});
    return true;
}

ParseOutcome parse_status(Cursor cursor) {
    ParseOutcome outcome;
    outcome.invocation.command = Command::Status;
    while (!cursor.done()) {
        std::string_view arg = cursor.take();
        if (arg == "--passive") {
            outcome.invocation.passive = true;
        } else if (arg == "--help" || arg == "-h") {
            outcome.invocation.command = Command::Help;
        } else {
            int pid = process_id(arg, "status", outcome.error);
            if (pid == 0) return outcome;
            outcome.invocation.pids.push_back(pid);
        }
    }
    return outcome;
}

// `kashim apply [SETTINGS] PID...`
ParseOutcome parse_apply(Cursor cursor) {
    ParseOutcome outcome;
    Invocation& invocation = outcome.invocation;
    invocation.command = Command::Apply;
    while (!cursor.done()) {
        std::string_view arg = cursor.take();
        if (arg == "--help" || arg == "-h") {
            invocation.command = Command::Help;
            return outcome;
        }
        if (arg.size() > 1 && arg[0] == '-') {
            if (!take_setting(arg, cursor, invocation, outcome.error)) {
                if (outcome.error.empty()) outcome.error = unknown_option(arg);
                return outcome;
            }
            continue;
        }
        int pid = process_id(arg, "apply", outcome.error);
        if (pid == 0) return outcome;
        invocation.pids.push_back(pid);
    }
    if (invocation.pids.empty()) outcome.error = "apply: no process given; usage: kashim apply [OPTIONS] PID...";
    return outcome;
}

// `kashim attach [SETTINGS] [--foreground] [--no-existing] GROUP|--unit NAME|--pid PID` and
// `kashim detach GROUP|--unit NAME|--pid PID`.
ParseOutcome parse_group_command(Cursor cursor, Command command) {
    ParseOutcome outcome;
    Invocation& invocation = outcome.invocation;
    invocation.command = command;
    std::string_view name = command == Command::Attach ? "attach" : "detach";
    int targets = 0;
    while (!cursor.done()) {
        std::string_view arg = cursor.take();
        std::string value;
        if (arg == "--help" || arg == "-h") {
            invocation.command = Command::Help;
            return outcome;
        } else if (command == Command::Attach && arg == "--foreground") {
            invocation.foreground = true;
        } else if (command == Command::Attach && arg == "--no-existing") {
            invocation.existing = false;
        } else if (arg == "--unit" || arg.rfind("--unit=", 0) == 0) {
            std::optional<std::string_view> inline_value;
            if (arg.size() > 6) inline_value = arg.substr(7);
            if (!take_value("unit", inline_value, cursor, invocation.group.unit, outcome.error)) return outcome;
            ++targets;
        } else if (arg == "--pid" || arg.rfind("--pid=", 0) == 0) {
            std::optional<std::string_view> inline_value;
            if (arg.size() > 5) inline_value = arg.substr(6);
            if (!take_value("pid", inline_value, cursor, value, outcome.error)) return outcome;
            invocation.group.pid = process_id(value, name, outcome.error);
            if (invocation.group.pid == 0) return outcome;
            ++targets;
        } else if (arg.size() > 1 && arg[0] == '-') {
            if (command != Command::Attach || !take_setting(arg, cursor, invocation, outcome.error)) {
                if (outcome.error.empty()) outcome.error = unknown_option(arg);
                return outcome;
            }
        } else {
            invocation.group.path = std::string(arg);
            ++targets;
        }
    }
    if (targets != 1)
        outcome.error = std::string(name) + ": name exactly one group: a cgroup v2 directory, --unit NAME or --pid PID";
    return outcome;
}

}  // namespace

ParseOutcome parse_command_line(const std::vector<std::string_view>& args) {
    Cursor cursor{args};
    std::string_view first = cursor.done() ? std::string_view() : args[0];
    if (first == "status") return parse_status({args, 1});
    if (first == "apply") return parse_apply({args, 1});
    if (first == "attach") return parse_group_command({args, 1}, Command::Attach);
    if (first == "detach") return parse_group_command({args, 1}, Command::Detach);
    if (first == "check") {
        ParseOutcome outcome;
        outcome.invocation.command = Command::Check;
        if (args.size() > 2) outcome.error = "check: takes one file at most; usage: kashim check [FILE]";
        else if (args.size() == 2 && (args[1] == "--help" || args[1] == "-h")) outcome.invocation.command = Command::Help;
        else if (args.size() == 2 && args[1].size() > 1 && args[1][0] == '-') outcome.error = unknown_option(args[1]);
        else if (args.size() == 2) outcome.invocation.config_file = std::string(args[1]);
        return outcome;
    }
    if (first == "attached") {
        ParseOutcome outcome;
        outcome.invocation.command = Command::Attached;
        if (args.size() > 1) outcome.error = "attached: takes no arguments";
        return outcome;
    }

    ParseOutcome outcome;
    Invocation& invocation = outcome.invocation;
    while (!cursor.done()) {
        std::string_view arg = args[cursor.next];
        if (arg == "--") {
            cursor.take();
            break;
        }
        if (arg.size() < 2 || arg[0] != '-') break;  // the program (a lone "-" is a name too)
        cursor.take();

        if (arg == "--help" || arg == "-h") {
            invocation.command = Command::Help;
            return outcome;
        }
        if (arg == "--version") {
            invocation.command = Command::Version;
            return outcome;
        }
        if (arg == "--print" || arg == "-n") {
            invocation.command = Command::Print;
            continue;
        }
        if (arg == "--strict") {
            invocation.strict = true;
            continue;
        }
        if (arg == "--seccomp" || arg == "--no-seccomp") {
            invocation.supervision = arg == "--seccomp" ? Supervision::Always : Supervision::Never;
            continue;
        }

        if (arg == "--cgroup") {
            invocation.cgroup = true;
            continue;
        }
        if (!take_setting(arg, cursor, invocation, outcome.error)) {
            if (outcome.error.empty()) outcome.error = unknown_option(arg);
            return outcome;
        }
    }

    while (!cursor.done()) invocation.program.emplace_back(cursor.take());
    if (invocation.command == Command::Run && invocation.program.empty())
        outcome.error = "no program given; usage: kashim [OPTIONS] [--] PROGRAM [ARGS...]";
    if (invocation.command == Command::Print && (invocation.supervision == Supervision::Always || invocation.cgroup))
        outcome.error = "--print shows the LD_PRELOAD way; --seccomp and --cgroup only run a program";
    if (invocation.cgroup && invocation.supervision != Supervision::Automatic)
        outcome.error = "--cgroup and --seccomp/--no-seccomp are different engines; choose one";
    return outcome;
}

}  // namespace kashim::cli
