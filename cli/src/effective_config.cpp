#include "effective_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/config_file.h"
#include "core/environment.h"
#include "core/socket_plan.h"
#include "setting_options.h"

namespace kashim::cli {
namespace {

constexpr std::string_view kConfigVariable = "KA_CONFIG";

const char* child_lookup(void* context, const char* name) {
    const auto* child = static_cast<const Environment*>(context);
    std::optional<std::string_view> value = child->get(name);
    // Entries are whole "NAME=value" strings, so a value ends at its string's NUL.
    return value ? value->data() : nullptr;
}

std::vector<const char*> environ_pointers(const Environment& environment) {
    std::vector<const char*> pointers;
    for (const std::string& entry : environment.entries()) pointers.push_back(entry.c_str());
    pointers.push_back(nullptr);
    return pointers;
}

}  // namespace

std::string read_config_file(const std::string& path, bool named_by_operator, LoadReport& report) {
    // The same checks, in the same words, as the shim's loader (shim/interpose/runtime.cpp).
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (named_by_operator || errno != ENOENT)
            report.add(LogLevel::Warn).add("cannot read config file ").add_quoted(path, 256).add(": ").add(std::strerror(errno));
        return {};
    }
    std::string text;
    struct stat about;
    if (fstat(fd, &about) != 0 || !S_ISREG(about.st_mode)) {
        report.add(LogLevel::Warn).add("config file ").add_quoted(path, 256).add(" is not a regular file; ignored");
    } else if ((about.st_mode & S_IWOTH) != 0 || ((about.st_mode & S_IWGRP) != 0 && about.st_gid != 0)) {
        report.add(LogLevel::Warn).add("config file ").add_quoted(path, 256)
            .add(" is writable by others than its owner and root; ignored (chmod go-w)");
    } else {
        char chunk[4096];
        ssize_t length;
        while ((length = read(fd, chunk, sizeof chunk)) > 0) text.append(chunk, static_cast<size_t>(length));
    }
    close(fd);
    return text;
}

std::string config_file_problem(const std::string& path) {
    Config scratch;
    LoadReport report;
    std::string text = read_config_file(path, true, report);
    load_config_file(scratch, text, path, report);
    return first_problem(report);
}

void load_effective_config(Config& config, const Environment& child, std::string_view program_name,
                           LoadReport& report) {
    std::optional<std::string_view> named = child.get(kConfigVariable);
    std::string path(named.value_or(KASHIM_SYSTEM_CONFIG));
    if (!path.empty()) {
        std::string text = read_config_file(path, named.has_value(), report);
        config.config_file.add(path);
        load_config_file(config, text, path, report);
    }
    std::vector<const char*> environ_entries = environ_pointers(child);
    load_environment(config, child_lookup, const_cast<Environment*>(&child), environ_entries.data(), report);
    check_detect_bound(config.keepalive, "KA_DETECT", report);
    if (!program_name.empty()) keep_rules_for_program(config.rules, program_name);
}

}  // namespace kashim::cli
