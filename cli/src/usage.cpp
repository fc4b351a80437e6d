#include "usage.h"

#include "setting_options.h"

namespace kashim::cli {
namespace {

// What each setting option's value looks like, by variable; a setting the shim adds later still
// gets a line, just without this hint.
struct ValueHint {
    std::string_view env_name;
    std::string_view value;
    std::string_view meaning;
};
constexpr ValueHint kValueHints[] = {
    {"KA_IDLE", "DURATION", "idle time before the first probe (1 s to 32767 s)"},
    {"KA_INTVL", "DURATION", "time between probes (1 s to 32767 s)"},
    {"KA_CNT", "N", "unanswered probes before the connection is dropped (1 to 127)"},
    {"KA_USER_TIMEOUT", "DURATION|auto|off", "TCP_USER_TIMEOUT: bounds a dead peer with data in flight"},
    {"KA_ENABLE", "on|off", "off leaves every socket as the program made it"},
    {"KA_POLICY", "override|respect", "whether the program's own keepalive setsockopt may win"},
    {"KA_LOG", "LEVEL", "off, error, warn (default), info or debug"},
    {"KA_LOG_FILE", "PATH", "append the shim's log there instead of stderr"},
    {"KA_DETECT", "DURATION", "one knob: notice a dead peer within about this long"},
    {"KA_RULES", "RULE", "a per-destination rule, added to KA_RULES (repeatable)"},
    {"KA_CONFIG", "PATH", "a kashim.conf file to read settings and rules from"},
};

std::string option_lines() {
    std::string text;
    for (const SettingOption& option : setting_options()) {
        ValueHint hint{option.env_name, "VALUE", ""};
        for (const ValueHint& known : kValueHints)
            if (known.env_name == option.env_name) hint = known;
        std::string left = "  --" + option.option + " " + std::string(hint.value);
        left.resize(std::max<size_t>(left.size() + 2, 34), ' ');
        text += left + std::string(hint.meaning) + (hint.meaning.empty() ? "" : "; ") + option.env_name + "\n";
    }
    return text;
}

}  // namespace

std::string help_text() {
    return "Usage: kashim [OPTIONS] [--] PROGRAM [ARGS...]\n"
           "       kashim --print [OPTIONS] [[--] PROGRAM]\n"
           "       kashim status [--passive] [PID...]\n"
           "\n"
           "Runs PROGRAM with TCP keepalive on every TCP socket it opens, by putting libkashim.so\n"
           "in front of LD_PRELOAD. PROGRAM keeps kashim's pid, exit status and signals.\n"
           "\n"
           "Settings (each sets the KA_* variable named last; DURATION is 10, 30s, 5m, 1500ms, 1h):\n" +
           option_lines() +
           "\n"
           "Other options:\n"
           "  -n, --print                     show the effective settings, rules, worst-case detection\n"
           "                                  time and LD_PRELOAD, and whether PROGRAM can be reached;\n"
           "                                  run nothing\n"
           "  --strict                        refuse to run a program LD_PRELOAD cannot reach (static,\n"
           "                                  Go, setuid, setgid, file capabilities) instead of warning\n"
           "  -h, --help                      show this help\n"
           "  --version                       show the version\n"
           "\n"
           "status: for each PID (default: every process with libkashim.so loaded) its TCP sockets,\n"
           "whether keepalive is on, its values and the kernel's pending timer. Exact values need root\n"
           "or the right to ptrace the process; --passive reads /proc only.\n"
           "\n"
           "Environment: KASHIM_LIB names the library to preload (default: found next to kashim).\n"
           "Exit status: PROGRAM's own; 2 for a usage error; 125 when kashim itself fails or --strict\n"
           "refuses; 126 when PROGRAM cannot run; 127 when it is not found.\n"
           "\n"
           "Examples:\n"
           "  kashim --detect 30s -- curl https://example.org/   notice a dead server within ~30 s\n"
           "  kashim --idle 60 --intvl 10 --cnt 5 -- psql ...     the three classic knobs\n"
           "  kashim --user-timeout auto --idle 30 -- ./client    bound a dead peer with data in flight too\n"
           "  kashim --print --idle 30                            what a wrapped program would get\n"
           "  kashim status 1234                                  keepalive on each socket of pid 1234\n"
           "\n"
           "See kashim(1) for rules, systemd, containers and limitations.\n";
}

std::string version_text() { return "kashim " KASHIM_VERSION "\n"; }

}  // namespace kashim::cli
