#include "effective_config.h"

#include <memory>
#include <vector>

#include "core/environment.h"

#include "setting_options.h"
#include "sources/settings_sources.h"

namespace kashim::cli {
namespace {

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

std::string program_short_name(const std::string& program) {
    size_t slash = program.rfind('/');
    return slash == std::string::npos ? program : program.substr(slash + 1);
}

std::string config_file_problem(const std::string& path) {
    Environment only_the_file;
    only_the_file.set("KA_CONFIG", path);
    Config scratch;
    LoadReport report;
    load_effective_config(scratch, only_the_file, "", report);
    return first_problem(report);
}

SettingOrigin effective_origin(const Config& config, SettingId id) {
    const SettingOrigin& origin = origin_of(config, id);
    bool derived = origin.variable.empty() && config.keepalive.detect_ms &&
                   (id == SettingId::Idle || id == SettingId::Intvl || id == SettingId::Cnt ||
                    id == SettingId::UserTimeout);
    return derived ? origin_of(config, SettingId::Detect) : origin;
}

std::string origin_text(const Config& config, SettingId id) {
    SettingOrigin origin = effective_origin(config, id);
    if (origin.variable.empty()) return "";
    std::string text = "from " + std::string(origin.variable);
    if (!origin.anchor.empty()) text += ", " + std::string(origin.anchor) + "'s name";
    return origin.from_file ? text + " in the config file" : text;
}

void load_effective_config(Config& config, const Environment& child, const std::string& program_name,
                           LoadReport& report) {
    std::vector<const char*> environ_entries = environ_pointers(child);
    // The lookup only reads through its context; the C-style callback type takes it non-const.
    auto room = std::make_unique<ConfigFileText>();
    load_settings(config, child_lookup, const_cast<Environment*>(&child), environ_entries.data(), false,
                  program_name.c_str(), report, *room);
}

void load_group_config(Config& config, const Environment& settings, LoadReport& report) {
    std::vector<const char*> environ_entries = environ_pointers(settings);
    auto room = std::make_unique<ConfigFileText>();
    load_settings(config, child_lookup, const_cast<Environment*>(&settings), environ_entries.data(), false, nullptr,
                  report, *room);
}

}  // namespace kashim::cli
