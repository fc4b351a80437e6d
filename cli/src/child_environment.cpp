#include "child_environment.h"

namespace kashim::cli {
namespace {

constexpr std::string_view kPreloadVariable = "LD_PRELOAD";
// ld.so splits LD_PRELOAD at colons and at spaces alike.
constexpr std::string_view kPreloadSeparators = ": \t";
constexpr std::string_view kBlanks = " \t";

std::string_view trimmed(std::string_view text) {
    size_t first = text.find_first_not_of(kBlanks);
    if (first == std::string_view::npos) return {};
    size_t last = text.find_last_not_of(kBlanks);
    return text.substr(first, last - first + 1);
}

std::vector<std::string> split(std::string_view text, std::string_view separators) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find_first_of(separators, start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view part = trimmed(text.substr(start, end - start));
        if (!part.empty()) parts.emplace_back(part);
        start = end + 1;
    }
    return parts;
}

}  // namespace

Environment::Environment(const char* const* environ_entries) {
    for (const char* const* entry = environ_entries; entry != nullptr && *entry != nullptr; ++entry)
        entries_.emplace_back(*entry);
}

size_t Environment::find(std::string_view name) const {
    for (size_t i = 0; i < entries_.size(); ++i) {
        const std::string& entry = entries_[i];
        if (entry.size() > name.size() && entry[name.size()] == '=' && entry.compare(0, name.size(), name) == 0)
            return i;
    }
    return entries_.size();
}

std::optional<std::string_view> Environment::get(std::string_view name) const {
    size_t index = find(name);
    if (index == entries_.size()) return std::nullopt;
    return std::string_view(entries_[index]).substr(name.size() + 1);
}

void Environment::set(std::string_view name, std::string_view value) {
    std::string entry = std::string(name) + "=" + std::string(value);
    size_t index = find(name);
    if (index == entries_.size()) entries_.push_back(std::move(entry));
    else entries_[index] = std::move(entry);
}

std::vector<char*> Environment::pointers() {
    std::vector<char*> pointers;
    for (std::string& entry : entries_) pointers.push_back(entry.data());
    pointers.push_back(nullptr);
    return pointers;
}

std::string preload_with(std::string_view library, std::optional<std::string_view> existing) {
    std::string preload(library);
    for (const std::string& entry : split(existing.value_or(""), kPreloadSeparators))
        if (entry != library) preload += ":" + entry;
    return preload;
}

Environment child_environment(const Environment& parent, const std::vector<SettingAssignment>& settings,
                              std::optional<std::string_view> library) {
    Environment child = parent;
    for (const SettingAssignment& setting : settings) {
        const std::string& name = setting.option->env_name;
        std::optional<std::string_view> before = child.get(name);
        if (setting.option->appends && before && !trimmed(*before).empty())
            child.set(name, std::string(*before) + kListSeparator + setting.value);
        else
            child.set(name, setting.value);
    }
    if (library) child.set(kPreloadVariable, preload_with(*library, parent.get(kPreloadVariable)));
    return child;
}

}  // namespace kashim::cli
