#include "config_file.h"

#include "environment.h"
#include "text_view.h"

namespace kashim {
namespace {

// systemd's EnvironmentFile= accepts KA_IDLE="10"; so does kashim, for one file serving both.
std::string_view unquote(std::string_view value) {
    if (value.size() >= 2 && value.front() == value.back() && (value.front() == '"' || value.front() == '\''))
        return std::string_view(value.data() + 1, value.size() - 2);
    return value;
}

const SettingName* find_setting(std::string_view name) {
    for (const SettingName& setting : kSettingNames)
        if (setting.env_name == name) return &setting;
    return nullptr;
}

// `context` is "path:N:", for the rules' own numbering.
void apply_line(Config& config, std::string_view line, std::string_view context, LoadReport& report) {
    if (take_front(line, 4) == "rule" && line.size() > 4 && is_blank(line[4])) {
        parse_rules(trim(drop_front(line, 5)), context, config.rules, report);
        return;
    }
    size_t equals = line.find('=');
    if (equals == std::string_view::npos) {
        report.add(LogLevel::Warn).add_quoted(line).add(": not a setting or rule; use KA_NAME=value or rule ...");
        return;
    }
    std::string_view name = trim(take_front(line, equals));
    std::string_view value = unquote(trim(drop_front(line, equals + 1)));
    const SettingName* setting = find_setting(name);
    if (const AnchorVariable* anchor = find_anchor_variable(name); setting == nullptr && anchor != nullptr) {
        // A systemd EnvironmentFile= written for another library, named here by mistake.
        MessageText& message = report.add(LogLevel::Warn).add(name).add(" is ").add(anchor->anchor)
                                   .add("'s name, honoured in the environment only; ");
        if (anchor->unit == AnchorUnit::NotKashims || anchor->unit == AnchorUnit::EveryCall) message.add("ignored");
        else message.add("here write ").add(setting_env_name(anchor->id));
        if (anchor->unit == AnchorUnit::Millis) message.add(" with ms (").add(name).add(" is milliseconds)");
        return;
    }
    if (setting == nullptr) {
        MessageText& message = report.add(LogLevel::Warn).add("unknown setting ").add_quoted(name);
        std::string_view suggestion = closest_setting_name(name);
        if (!suggestion.empty()) message.add("; did you mean ").add(suggestion).add('?');
        return;
    }
    if (setting->id == SettingId::ConfigFile) {
        report.add(LogLevel::Warn).add("KA_CONFIG cannot name another file from inside one; ignored");
        return;
    }
    if (apply_setting(config, setting->id, value, name, report))
        origin_of(config, setting->id) = {setting->env_name, {}, true};
}

}  // namespace

void load_config_file(Config& config, std::string_view text, std::string_view path, LoadReport& report) {
    size_t number = 0;
    while (!text.empty()) {
        std::string_view line = trim(split_off(text, '\n'));
        ++number;
        if (line.empty() || line.front() == '#') continue;
        MessageText location;
        location.add(path).add(':').add_unsigned(number).add(':');
        MessageText context;
        context.add(location.view()).add(' ');
        report.set_context(context.view());
        apply_line(config, line, location.view(), report);
    }
    report.set_context({});
}

}  // namespace kashim
