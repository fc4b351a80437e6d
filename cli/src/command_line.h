// What every command's parser shares: reading options and their values, the setting options
// (--idle, --rule, ...) checked with the shim's own messages, process ids and --help.
// Parsing only; nothing here touches the system.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "setting_options.h"

namespace kashim::cli {

// The words after the command's name (after argv[0] for the default command).
using Arguments = std::vector<std::string_view>;

// What a command's parser made of its arguments.
template <typename Options>
struct Parsed {
    Options options;
    bool help = false;  // --help or -h: show the command's help and do nothing else
    std::string error;  // one line without the "kashim: " prefix; empty when parsing succeeded
};

// The arguments one at a time; an option's value may be the next one.
struct Cursor {
    const Arguments& args;
    size_t next = 0;
    bool done() const { return next >= args.size(); }
    std::string_view peek() const { return args[next]; }
    std::string_view take() { return args[next++]; }
};

bool is_help(std::string_view arg);

// Hands each argument to `take(arg, cursor)`, which may take a value from the cursor too, until
// the last one, --help (then `parsed.help` is set) or a `take` that returns false having set
// `parsed.error`. True when every argument was taken.
template <typename Options, typename Take>
bool read_arguments(const Arguments& args, Parsed<Options>& parsed, Take take) {
    Cursor cursor{args};
    while (!cursor.done()) {
        std::string_view arg = cursor.take();
        if (is_help(arg)) {
            parsed.help = true;
            return false;
        }
        if (!take(arg, cursor)) return false;
    }
    return true;
}

// "-x" or "--name": a lone "-" is a name, as a file or a program.
bool is_option(std::string_view arg);

// A command that runs a program: options until "--" or the first argument that is none, each to
// `take(arg, cursor)` as in read_arguments, then the program and its arguments into `program`.
// False when an option stopped the reading (--help, an error, or one that ends it, as --version).
template <typename Options, typename Take>
bool read_options_then_program(const Arguments& args, Parsed<Options>& parsed, std::vector<std::string>& program,
                               Take take) {
    Cursor cursor{args};
    while (!cursor.done()) {
        std::string_view arg = cursor.peek();
        if (arg == "--") {
            cursor.take();
            break;
        }
        if (!is_option(arg)) break;  // the program
        cursor.take();
        if (is_help(arg)) {
            parsed.help = true;
            return false;
        }
        if (!take(arg, cursor)) return false;
    }
    while (!cursor.done()) program.emplace_back(cursor.take());
    return true;
}

// True when `arg` is "--NAME" or "--NAME=VALUE" (`name` without its dashes).
bool names_option(std::string_view arg, std::string_view name);

// The value of the option `arg`: after its '=', or else the next argument. False, with `error`
// set, when there is none.
bool take_value(std::string_view arg, Cursor& cursor, std::string& value, std::string& error);

// The setting option `arg` (--idle 10, --detect=30s, ...), its value checked with the shim's own
// messages, added to `settings`. False, with `error` saying why, when its value is bad or `arg` is
// no setting option (then naming the nearest one), so a bad value stops everything before
// anything runs.
bool take_setting(std::string_view arg, Cursor& cursor, std::vector<SettingAssignment>& settings,
                  std::string& error);

// "unknown option '--idel'; did you mean --idle?"
std::string unknown_option(std::string_view arg);

// A process id, or 0 with `error` set, naming `command`.
int process_id(std::string_view arg, std::string_view command, std::string& error);

// process_id, added to `pids`; false when `arg` is none.
bool take_process_id(std::string_view arg, std::string_view command, std::vector<int>& pids, std::string& error);

}  // namespace kashim::cli
