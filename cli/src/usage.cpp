#include "usage.h"

#include <algorithm>

#include "setting_options.h"

namespace kashim::cli {
namespace {

// What each setting option's value looks like, by variable; a setting the shim adds later still
// gets a line, just without this hint (and kashim(1) says the rest).
struct ValueHint {
    std::string_view env_name;
    std::string_view value;
    std::string_view meaning;
};
constexpr ValueHint kValueHints[] = {
    {"KA_IDLE", "DURATION", "idle before probing, 1-32767 s"},
    {"KA_INTVL", "DURATION", "between probes, 1-32767 s"},
    {"KA_CNT", "N", "unanswered probes, 1-127"},
    {"KA_USER_TIMEOUT", "DURATION|auto", "bounds unacknowledged data"},
    {"KA_DETECT", "DURATION", "notice a dead peer within this"},
    {"KA_RULES", "RULE", "per-destination; repeatable"},
    {"KA_ENABLE", "on|off", "off leaves sockets alone"},
    {"KA_POLICY", "cap|override|respect", "which of the program's own values stand"},
    {"KA_LOG", "LEVEL", "off|error|warn|info|debug"},
    {"KA_LOG_FILE", "PATH", "shim log instead of stderr"},
    {"KA_CONFIG", "PATH", "settings and rules file"},
};

std::string padded(std::string text, size_t width) {
    text.resize(std::max(text.size() + 1, width), ' ');
    return text;
}

// "  --idle DURATION               KA_IDLE          idle before probing, 1-32767 s"
std::string option_lines() {
    std::string text;
    for (const SettingOption& option : setting_options()) {
        ValueHint hint{option.env_name, "VALUE", ""};
        for (const ValueHint& known : kValueHints)
            if (known.env_name == option.env_name) hint = known;
        text += padded("  --" + option.option + " " + std::string(hint.value), 32) + padded(option.env_name, 17) +
                std::string(hint.meaning) + "\n";
    }
    return text;
}

}  // namespace

std::string help_text() {
    return "Usage: kashim [OPTIONS] [--] PROGRAM [ARGS...]\n"
           "       kashim --print [OPTIONS] [[--] PROGRAM]\n"
           "       kashim status [--passive] [PID...]\n"
           "       kashim check [FILE]\n"
           "       kashim apply [SETTINGS] PID...\n"
           "       kashim attach [SETTINGS] [--foreground] [--no-existing] GROUP|--unit NAME|--pid PID\n"
           "       kashim detach GROUP|--unit NAME|--pid PID\n"
           "       kashim attached\n"
           "\n"
           "Runs PROGRAM with TCP keepalive on every TCP socket it opens, by putting\n"
           "libkashim.so in front of LD_PRELOAD. PROGRAM keeps kashim's pid, and its exit\n"
           "status and signals are its own.\n"
           "\n"
           "Settings, each the variable named for PROGRAM (DURATION: 10, 30s, 5m, 1500ms):\n" +
           option_lines() +
           "\n"
           "Other options:\n"
           "  -n, --print     show the effective settings and rules, the worst-case time to\n"
           "                  notice a dead peer, the LD_PRELOAD, and whether it reaches\n"
           "                  PROGRAM; run nothing\n"
           "  --strict        refuse a PROGRAM that LD_PRELOAD cannot reach (static, Go,\n"
           "                  setuid, setgid, file capabilities) instead of warning\n"
           "  --seccomp       run PROGRAM under kashim's seccomp supervisor instead of\n"
           "                  LD_PRELOAD (Linux 5.9+); the default for static and Go\n"
           "                  programs, which LD_PRELOAD cannot reach\n"
           "  --no-seccomp    never use the supervisor: such programs run untouched\n"
           "  --cgroup        run PROGRAM in a new cgroup v2 group with kashim's BPF\n"
           "                  programs attached (root, Linux 5.9+): reaches everything it\n"
           "                  runs, static, Go, setuid and io_uring alike; the group is\n"
           "                  removed at its end\n"
           "  -h, --help      show this help\n"
           "  --version       show the version\n"
           "\n"
           "status: the TCP sockets of each PID (default: every process with libkashim.so\n"
           "loaded), whether keepalive is on, its values and the kernel's pending timer.\n"
           "Exact values need root or the right to ptrace; --passive reads /proc only.\n"
           "\n"
           "check: reads FILE (default: the built-in config file) exactly as the library\n"
           "would; prints each problem with its line, the permission check, the settings,\n"
           "rules and detection bound. Exit 0 when clean, 1 for any problem.\n"
           "\n"
           "apply: the TCP connections each PID already has get the settings now (one\n"
           "line per socket); root, or the same user where ptrace is allowed.\n"
           "\n"
           "attach: cgroup mode for a running service or container: every TCP connection of\n"
           "every process in GROUP (a cgroup v2 directory, absolute or under the cgroup2\n"
           "mount), --unit NAME's group or --pid PID's group, new ones and (unless\n"
           "--no-existing) those already open, until detach; a second attach replaces the\n"
           "settings in place. --foreground holds it while kashim runs (SIGTERM detaches).\n"
           "attached lists the groups. prog= rules are refused there.\n"
           "\n"
           "KASHIM_LIB names the library to preload (default: the one next to kashim).\n"
           "Exit status: PROGRAM's own; 2 usage error; 125 kashim failed or --strict\n"
           "refused; 126 PROGRAM cannot run; 127 PROGRAM not found.\n"
           "\n"
           "Examples:\n"
           "  kashim --detect 30s -- curl -O https://example.org/big.iso\n"
           "  kashim --idle 60 --intvl 10 --cnt 5 -- psql -h db.internal\n"
           "  kashim --rule 'port=5432 detect=20s' --rule 'port=22 off' -- ./worker\n"
           "  kashim --print --detect 30s -- ./server\n"
           "  kashim status 1234\n"
           "  kashim apply --detect 10s 1234\n"
           "  kashim attach --detect 30s --unit nginx.service\n"
           "\n"
           "See kashim(1) for rules, systemd, containers and limitations.\n";
}

std::string version_text() { return "kashim " KASHIM_VERSION "\n"; }

}  // namespace kashim::cli
