#include "commands/check.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "child_environment.h"
#include "effective_config.h"
#include "sources/settings_sources.h"

namespace kashim::cli {
namespace {

std::string row(const std::string& label, const std::string& value) {
    std::string line = label;
    line.resize(14, ' ');
    return line + value + "\n";
}

std::string permissions(const std::string& path) {
    struct stat about;
    if (stat(path.c_str(), &about) != 0) return "unreadable";
    char text[96];
    std::snprintf(text, sizeof text, "mode %04o, owner uid %u, group gid %u", about.st_mode & 07777,
                  static_cast<unsigned>(about.st_uid), static_cast<unsigned>(about.st_gid));
    bool refused = (about.st_mode & S_IWOTH) != 0 || ((about.st_mode & S_IWGRP) != 0 && about.st_gid != 0);
    return std::string(text) + (refused ? ": refused, others than its owner and root can write it" : ": accepted");
}

// "KA_DETECT: idle, interval, count, user timeout; KA_LOG: log": which line of the file gave what.
std::string origins(const Config& config) {
    constexpr std::pair<SettingId, const char*> kShown[] = {
        {SettingId::Idle, "idle"},       {SettingId::Intvl, "interval"}, {SettingId::Cnt, "count"},
        {SettingId::UserTimeout, "user timeout"}, {SettingId::Enable, "keepalive"}, {SettingId::Policy, "policy"},
        {SettingId::Log, "log"},         {SettingId::LogFile, "log file"}};
    std::vector<std::pair<std::string, std::string>> by_variable;
    for (auto [id, label] : kShown) {
        std::string variable(effective_origin(config, id).variable);
        if (variable.empty()) continue;
        auto same = std::find_if(by_variable.begin(), by_variable.end(), [&](auto& p) { return p.first == variable; });
        if (same == by_variable.end()) by_variable.emplace_back(variable, label);
        else same->second += std::string(", ") + label;
    }
    std::string text;
    for (const auto& [variable, labels] : by_variable) text += (text.empty() ? "" : "; ") + variable + ": " + labels;
    return text.empty() ? "nothing set: the shim's defaults" : text;
}

}  // namespace

CheckReport check_config_file(const std::string& file) {
    std::string path = file.empty() ? KASHIM_SYSTEM_CONFIG_PATH : file;
    Environment only_the_file;
    only_the_file.set("KA_CONFIG", path);
    Config config;
    LoadReport problems;
    load_group_config(config, only_the_file, problems);  // keeps prog= rules, to show them all
    CheckReport report;
    report.text = row("file", path) + row("permissions", permissions(path));
    for (size_t i = 0; i < problems.count(); ++i) {
        std::string text(problems.text(i));
        if (text.rfind("kashim: ", 0) == 0) text = text.substr(8);
        report.text += row("problem", text);
    }
    if (problems.dropped() != 0) report.text += row("problem", std::to_string(problems.dropped()) + " more not shown");
    MessageText active;
    describe_active(config, read_kernel_keepalive(), active);
    report.text += row("settings", std::string(active.view()));
    report.text += row("from", origins(config));
    for (size_t i = 0; i < config.rules.count; ++i) {
        MessageText rule;
        describe_rule(config.rules.rules[i], rule);
        report.text += row("rule " + std::to_string(i + 1), std::string(rule.view()));
    }
    report.clean = problems.count() == 0 && problems.dropped() == 0;
    report.text += row("verdict", report.clean ? "clean" : std::to_string(problems.count()) + " problem(s)");
    return report;
}

Parsed<CheckOptions> parse_check_options(const Arguments& args) {
    Parsed<CheckOptions> parsed;
    if (args.empty()) return parsed;
    if (args.size() > 1) parsed.error = "check: takes one file at most; usage: kashim check [FILE]";
    else if (is_help(args[0])) parsed.help = true;
    else if (is_option(args[0])) parsed.error = unknown_option(args[0]);
    else parsed.options.config_file = std::string(args[0]);
    return parsed;
}

namespace {

std::string check_help() {
    return subcommand_help(
        kCheckCommand,
        {"Reads FILE (default: " KASHIM_SYSTEM_CONFIG_PATH ") exactly as the library would, and\n"
         "prints each problem with its line, the permission check (a file others than its\n"
         "owner and root can write is ignored), the effective settings and rules, and the\n"
         "worst case to notice a dead peer. Run it before putting a file in place.\n",
         "", "0 when the file is clean; 1 for any problem; 2 usage error.", "CHECK"});
}

// Exit status 0 when the file is clean, 1 for any problem.
int show_check(const CheckOptions& options) {
    CheckReport report = check_config_file(options.config_file);
    std::fputs(report.text.c_str(), stdout);
    return report.clean ? 0 : 1;
}

}  // namespace

const Subcommand kCheckCommand{
    "check", "check [FILE]", "read a config file as the library would, and report its problems",
    [](const Arguments& args) { return answer(parse_check_options(args), check_help, show_check); }};

}  // namespace kashim::cli
