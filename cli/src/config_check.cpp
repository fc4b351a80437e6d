#include "config_check.h"

#include <sys/stat.h>

#include <cstdio>

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
    for (size_t i = 0; i < config.rules.count; ++i) {
        MessageText rule;
        describe_rule(config.rules.rules[i], rule);
        report.text += row("rule " + std::to_string(i + 1), std::string(rule.view()));
    }
    report.clean = problems.count() == 0 && problems.dropped() == 0;
    report.text += row("verdict", report.clean ? "clean" : std::to_string(problems.count()) + " problem(s)");
    return report;
}

}  // namespace kashim::cli
