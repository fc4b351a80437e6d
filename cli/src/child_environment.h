// The environment the wrapped program gets: the caller's, plus the KA_* settings from the
// command line and libkashim.so in front of any LD_PRELOAD already there.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "setting_options.h"

namespace kashim::cli {

// "NAME=value" entries, in the order of the environment they came from.
class Environment {
public:
    Environment() = default;
    explicit Environment(const char* const* environ_entries);

    std::optional<std::string_view> get(std::string_view name) const;
    void set(std::string_view name, std::string_view value);

    const std::vector<std::string>& entries() const { return entries_; }
    // NUL-terminated pointers into entries(), valid while this object is not changed.
    std::vector<char*> pointers();

private:
    size_t find(std::string_view name) const;  // entries_.size() when absent

    std::vector<std::string> entries_;
};

// `library` first, then every entry of `existing` (LD_PRELOAD, separated by ':' or spaces)
// except `library` itself, so wrapping twice never loads it twice.
std::string preload_with(std::string_view library, std::optional<std::string_view> existing);

// The caller's environment with the settings applied and, given a library, LD_PRELOAD set.
// Appending settings (--rule) add to what the caller's variable already held; the others replace it.
Environment child_environment(const Environment& parent, const std::vector<SettingAssignment>& settings,
                              std::optional<std::string_view> library);

}  // namespace kashim::cli
