#include "command_line.h"

#include <climits>
#include <optional>

#include "core/duration.h"

namespace kashim::cli {
namespace {

constexpr std::string_view kStatusCommand = "status";

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
            ParsedNumber pid = parse_count(arg);
            if (pid.error != NumberError::None || pid.value == 0 || pid.value > INT_MAX) {
                outcome.error = "status: " + quoted(arg) + " is not a process id";
                return outcome;
            }
            outcome.invocation.pids.push_back(static_cast<int>(pid.value));
        }
    }
    return outcome;
}

}  // namespace

ParseOutcome parse_command_line(const std::vector<std::string_view>& args) {
    Cursor cursor{args};
    if (!cursor.done() && args[0] == kStatusCommand) {
        cursor.take();
        return parse_status(cursor);
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

        const SettingOption* option = nullptr;
        size_t equals = arg.find('=');
        if (arg.compare(0, 2, "--") == 0) option = find_setting_option(arg.substr(2, equals - 2));
        if (option == nullptr) {
            outcome.error = unknown_option(arg);
            return outcome;
        }
        std::string value;
        std::optional<std::string_view> inline_value;
        if (equals != std::string_view::npos) inline_value = arg.substr(equals + 1);
        if (!take_value(option->option, inline_value, cursor, value, outcome.error)) return outcome;
        if (std::optional<std::string> problem = setting_problem(*option, value)) {
            outcome.error = *problem;
            return outcome;
        }
        invocation.settings.push_back({option, std::move(value)});
    }

    while (!cursor.done()) invocation.program.emplace_back(cursor.take());
    if (invocation.command == Command::Run && invocation.program.empty())
        outcome.error = "no program given; usage: kashim [OPTIONS] [--] PROGRAM [ARGS...]";
    if (invocation.command == Command::Print && invocation.supervision == Supervision::Always)
        outcome.error = "--print shows the LD_PRELOAD way; --seccomp only runs a program";
    return outcome;
}

}  // namespace kashim::cli
