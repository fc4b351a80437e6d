// The hostile-input catalogue: malformed settings, rules and config-file lines, each
// with the exact line kashim must print for it, and each run under a real program that must still
// end normally with its own output byte for byte what it prints without kashim. A value refused
// is reported once and leaves the program alone; it never stops it, hangs it or garbles it.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/child.h"

namespace {

using robustness::ChildOptions;
using robustness::ChildResult;

enum class Source { Env, File, WorldWritableFile };

struct Case {
    std::string name;
    Source source;
    std::string variable;  // Env: the variable; File: unused
    std::string value;     // Env: its value; File: the whole file
    std::string expected;  // exactly what kashim prints; {file} {fifo} {dir} stand for the test's paths
};

// Shown as kashim shows untrusted text: quoted, control and non-ASCII bytes as \xNN, at most 64
// bytes then "...". Written independently of kashim's own TextBuffer::add_quoted.
std::string shown(const std::string& text) {
    std::string out = "\"";
    for (size_t i = 0; i < text.size(); ++i) {
        if (i == 64) {
            out += "...";
            break;
        }
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c >= 0x7f) {
            char hex[8];
            snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

std::string repeat(const std::string& text, size_t times) {
    std::string out;
    for (size_t i = 0; i < times; ++i) out += text;
    return out;
}

std::string junk_bytes(const std::string& excluded) {
    std::string out;
    for (int c = 1; c < 256; ++c)
        if (excluded.find(static_cast<char>(c)) == std::string::npos) out += static_cast<char>(c);
    return out;
}

// A config file just over 64 KiB whose last line, "KA_IDLE=3000", straddles the limit: cut
// there it would read "KA_IDLE=30".
std::string file_straddling_64_kib() {
    std::string text = repeat("#" + std::string(98, 'x') + "\n", 655);  // 65,500 bytes
    text += std::string(65526 - text.size() - 1, '#') + "\n";
    return text + "KA_IDLE=3000\n";
}

const std::string kDuration = "; use e.g. 10, 30s or 5m (1 s to 32767 s)";
const std::string kUserTimeout =
    "; use e.g. 30s, 1500ms or 2m (1 ms to 2147483647 ms), auto, or 0/off for the kernel default";
const std::string kDetect = "; use e.g. 30s or 2m (2 s to 596 h)";
const std::string kNetwork = ": not an IPv4 or IPv6 network; use e.g. 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32";
const std::string kPort = ": not a port or range; use e.g. 5432 or 8000-8099 (1 to 65535, low to high)";
const std::string kProgram = ": not a program name; use the program's short name, e.g. prog=psql";
const std::string kWords =
    ": not a selector or action; use dir=, addr=, port=, prog=, idle=, intvl=, cnt=, user_timeout=, detect= or off";

Case env(std::string name, std::string variable, std::string value, std::string expected) {
    return {std::move(name), Source::Env, std::move(variable), std::move(value), "kashim: " + expected + "\n"};
}

Case rule(std::string name, std::string rules, std::string expected) {
    return {std::move(name), Source::Env, "KA_RULES", std::move(rules), "kashim: KA_RULES rule " + expected + "\n"};
}

Case file(std::string name, std::string text, std::string expected) {
    return {std::move(name), Source::File, "", std::move(text), "kashim: " + expected + "\n"};
}

std::vector<Case> catalogue() {
    const std::string junk = junk_bytes("");
    const std::string line_junk = junk_bytes("\n=#");
    std::string forty_rules;
    for (int i = 1; i <= 40; ++i) forty_rules += "idle=" + std::to_string(i) + ";";
    return {
        // Durations: KA_IDLE stands for all of them (KA_INTVL, rules' idle= share the parser).
        env("idle_5000_digits", "KA_IDLE", std::string(5000, '1'),
            "KA_IDLE=" + shown(std::string(5000, '1')) + " is out of range; use 1 s to 32767 s"),
        env("idle_binary_junk", "KA_IDLE", junk, "KA_IDLE=" + shown(junk) + " is not a duration" + kDuration),
        env("idle_two_to_the_64", "KA_IDLE", "18446744073709551616",
            "KA_IDLE=\"18446744073709551616\" is out of range; use 1 s to 32767 s"),
        env("idle_negative_zero", "KA_IDLE", "-0", "KA_IDLE=\"-0\" is not a duration" + kDuration),
        env("idle_plus_sign", "KA_IDLE", "+10", "KA_IDLE=\"+10\" is not a duration" + kDuration),
        env("idle_arabic_indic_digits", "KA_IDLE", "\u0661\u0660",
            "KA_IDLE=\"\\xd9\\xa1\\xd9\\xa0\" is not a duration" + kDuration),
        env("idle_fullwidth_digits", "KA_IDLE", "\uff11\uff10",
            "KA_IDLE=\"\\xef\\xbc\\x91\\xef\\xbc\\x90\" is not a duration" + kDuration),
        env("idle_digits_then_fullwidth", "KA_IDLE", "1\uff10",
            "KA_IDLE=\"1\\xef\\xbc\\x90\" is not a duration" + kDuration),
        env("idle_zero", "KA_IDLE", "0", "KA_IDLE=\"0\" is out of range; use 1 s to 32767 s"),
        env("idle_above_kernel_limit", "KA_IDLE", "32768", "KA_IDLE=\"32768\" is out of range; use 1 s to 32767 s"),
        env("idle_hours_above_limit", "KA_IDLE", "10h", "KA_IDLE=\"10h\" is out of range; use 1 s to 32767 s"),
        env("idle_fraction_of_a_second", "KA_IDLE", "1500ms",
            "KA_IDLE=\"1500ms\" is not a whole number of seconds; use 1 s to 32767 s"),
        env("idle_leading_space", "KA_IDLE", " 10", "KA_IDLE=\" 10\" is not a duration" + kDuration),
        env("idle_space_before_unit", "KA_IDLE", "10 s", "KA_IDLE=\"10 s\" is not a duration" + kDuration),
        env("idle_exponent", "KA_IDLE", "1e3", "KA_IDLE=\"1e3\" has an unknown unit" + kDuration),
        env("idle_hexadecimal", "KA_IDLE", "0x10", "KA_IDLE=\"0x10\" has an unknown unit" + kDuration),
        env("idle_decimal_point", "KA_IDLE", "1.5", "KA_IDLE=\"1.5\" is not a duration" + kDuration),
        env("intvl_empty", "KA_INTVL", "", "KA_INTVL=\"\" is empty" + kDuration),
        env("intvl_unknown_unit", "KA_INTVL", "5sec", "KA_INTVL=\"5sec\" has an unknown unit" + kDuration),
        env("intvl_days", "KA_INTVL", "1d", "KA_INTVL=\"1d\" has an unknown unit" + kDuration),
        // Counts.
        env("cnt_above_kernel_limit", "KA_CNT", "128", "KA_CNT=\"128\" is out of range; use 1 to 127"),
        env("cnt_zero", "KA_CNT", "0", "KA_CNT=\"0\" is out of range; use 1 to 127"),
        env("cnt_negative", "KA_CNT", "-1", "KA_CNT=\"-1\" is not a whole number; use 1 to 127"),
        env("cnt_with_unit", "KA_CNT", "3s", "KA_CNT=\"3s\" is not a whole number; use 1 to 127"),
        env("cnt_26_digits", "KA_CNT", "99999999999999999999999999",
            "KA_CNT=\"99999999999999999999999999\" is out of range; use 1 to 127"),
        // User timeout and detect.
        env("user_timeout_above_int", "KA_USER_TIMEOUT", "2147483648ms",
            "KA_USER_TIMEOUT=\"2147483648ms\" is out of range" + kUserTimeout),
        env("user_timeout_negative_zero", "KA_USER_TIMEOUT", "-0",
            "KA_USER_TIMEOUT=\"-0\" is not a duration" + kUserTimeout),
        env("user_timeout_unknown_word", "KA_USER_TIMEOUT", "automatic",
            "KA_USER_TIMEOUT=\"automatic\" is not a duration" + kUserTimeout),
        env("detect_below_minimum", "KA_DETECT", "1s", "KA_DETECT=\"1s\" is out of range" + kDetect),
        env("detect_above_maximum", "KA_DETECT", "597h", "KA_DETECT=\"597h\" is out of range" + kDetect),
        // Words.
        env("enable_unknown_word", "KA_ENABLE", "maybe",
            "KA_ENABLE=\"maybe\" is not understood; use 1/on/true/yes or 0/off/false/no"),
        env("policy_typo", "KA_POLICY", "overrid", "KA_POLICY=\"overrid\" is not a policy; use cap, override or respect"),
        env("log_unknown_level", "KA_LOG", "verbose",
            "KA_LOG=\"verbose\" is not a log level; use off, error, warn, info or debug"),
        // Paths.
        env("log_file_5000_bytes", "KA_LOG_FILE", std::string(5000, 'a'), "KA_LOG_FILE is longer than 4095 bytes; ignored"),
        env("log_file_is_a_fifo", "KA_LOG_FILE", "{fifo}",
            "cannot open KA_LOG_FILE=\"{fifo}\": No such device or address; logging to stderr"),
        env("log_file_is_a_directory", "KA_LOG_FILE", "{dir}",
            "cannot open KA_LOG_FILE=\"{dir}\": Is a directory; logging to stderr"),
        env("log_file_in_missing_directory", "KA_LOG_FILE", "{dir}/missing/kashim.log",
            "cannot open KA_LOG_FILE=\"{dir}/missing/kashim.log\": No such file or directory; logging to stderr"),
        env("config_missing", "KA_CONFIG", "{dir}/missing.conf",
            "cannot read config file \"{dir}/missing.conf\": No such file or directory"),
        env("config_is_a_fifo", "KA_CONFIG", "{fifo}", "config file \"{fifo}\" is not a regular file; ignored"),
        env("config_is_a_directory", "KA_CONFIG", "{dir}", "config file \"{dir}\" is not a regular file; ignored"),
        // Names.
        env("unknown_variable_typo", "KA_IDEL", "10", "unknown variable \"KA_IDEL\" ignored; did you mean KA_IDLE?"),
        env("unknown_variable_200_bytes", "KA_" + std::string(200, 'X'), "1",
            "unknown variable " + shown("KA_" + std::string(200, 'X')) + " ignored"),
        // Rules.
        rule("ipv4_prefix_33", "addr=10.0.0.0/33 idle=5", "1: \"addr=10.0.0.0/33\"" + kNetwork),
        rule("ipv6_prefix_129", "addr=2001:db8::/129 idle=5", "1: \"addr=2001:db8::/129\"" + kNetwork),
        rule("negative_prefix", "addr=10.0.0.0/-1 idle=5", "1: \"addr=10.0.0.0/-1\"" + kNetwork),
        rule("empty_prefix", "addr=10.0.0.0/ idle=5", "1: \"addr=10.0.0.0/\"" + kNetwork),
        rule("prefix_of_20_digits", "addr=::/99999999999999999999 idle=5",
             "1: \"addr=::/99999999999999999999\"" + kNetwork),
        rule("octet_above_255", "addr=256.1.1.1 idle=5", "1: \"addr=256.1.1.1\"" + kNetwork),
        rule("ipv6_zone_index", "addr=fe80::1%eth0 idle=5", "1: \"addr=fe80::1%eth0\"" + kNetwork),
        rule("reversed_port_range", "port=9000-8000 idle=5", "1: \"port=9000-8000\"" + kPort),
        rule("port_zero", "port=0 idle=5", "1: \"port=0\"" + kPort),
        rule("port_65536", "port=65536 idle=5", "1: \"port=65536\"" + kPort),
        rule("port_range_without_end", "port=8000- idle=5", "1: \"port=8000-\"" + kPort),
        rule("port_of_20_digits", "port=99999999999999999999 idle=5", "1: \"port=99999999999999999999\"" + kPort),
        rule("unknown_direction", "dir=sideways idle=5",
             "1: \"dir=sideways\": not a direction; use dir=in (accepted) or dir=out (connected)"),
        rule("unknown_word", "idle=5 colour=blue", "1: \"colour=blue\"" + kWords),
        rule("no_action", "addr=10.0.0.0/8", "1: has no action; add idle=, intvl=, cnt=, user_timeout=, detect= or off"),
        rule("program_path", "prog=/usr/bin/psql idle=5", "1: \"prog=/usr/bin/psql\"" + kProgram),
        rule("program_control_byte", "prog=ps\x1b[2Jql idle=5", "1: \"prog=ps\\x1b[2Jql\"" + kProgram),
        rule("action_out_of_range", "port=5432 idle=0", "1: idle=\"0\" is out of range; use 1 s to 32767 s"),
        rule("second_of_two_bad", "idle=5; cnt=500", "2: cnt=\"500\" is out of range; use 1 to 127"),
        rule("forty_rules", forty_rules, "33: more than 32 rules; this and later ones are ignored"),
        // Config-file lines.
        file("line_without_equals", "KA_IDLE\n",
             "{file}:1: \"KA_IDLE\": not a setting or rule; use KA_NAME=value or rule ..."),
        file("unknown_setting", "# settings\nKA_IDEL=10\n", "{file}:2: unknown setting \"KA_IDEL\"; did you mean KA_IDLE?"),
        file("config_inside_config", "KA_CONFIG=/etc/other.conf\n",
             "{file}:1: KA_CONFIG cannot name another file from inside one; ignored"),
        file("nul_inside_a_value", std::string("KA_IDLE=1\0 0\n", 13),
             "{file}:1: KA_IDLE=\"1\\x00 0\" is not a duration" + kDuration),
        file("nul_inside_the_log_file", std::string("KA_LOG_FILE=/tmp/a\0b\n", 21),
             "{file}:1: KA_LOG_FILE=\"/tmp/a\\x00b\" contains a NUL byte; ignored"),
        file("binary_junk_line", line_junk + "\n",
             "{file}:1: " + shown(line_junk) + ": not a setting or rule; use KA_NAME=value or rule ..."),
        file("unbalanced_quote", "KA_IDLE=\"10\n", "{file}:1: KA_IDLE=\"\\\"10\" is not a duration" + kDuration),
        file("comment_after_value", "KA_CNT=3 # three probes\n",
             "{file}:1: KA_CNT=\"3 # three probes\" is not a whole number; use 1 to 127"),
        file("rule_prefix_40", "rule addr=10.0.0.0/40 idle=5\n", "{file}:1: rule 1: \"addr=10.0.0.0/40\"" + kNetwork),
        file("line_of_10000_digits", "KA_IDLE=" + std::string(10000, '9') + "\n",
             "{file}:1: KA_IDLE=" + shown(std::string(10000, '9')) + " is out of range; use 1 s to 32767 s"),
        file("last_line_straddles_64_kib", file_straddling_64_kib(),
             "config file \"{file}\" is over 64 KiB; line 657 and those after it are ignored"),
        {"world_writable_file", Source::WorldWritableFile, "", "KA_IDLE=10\n",
         "kashim: config file \"{file}\" is writable by others than its owner and root; ignored (chmod go-w)\n"},
    };
}

std::string replaced(std::string text, const std::string& token, const std::string& value) {
    for (size_t at = text.find(token); at != std::string::npos; at = text.find(token, at + value.size()))
        text.replace(at, token.size(), value);
    return text;
}

// What the program prints on its own, from a run without kashim.
const std::string& reference_output() {
    static const std::string output = [] {
        ChildOptions options;
        options.argv = {WRAPPED_PROGRAM};
        ChildResult result = robustness::run_child(options);
        EXPECT_EQ(result.exit_code, 0) << result.describe();
        EXPECT_EQ(result.err, "");
        return result.out;
    }();
    return output;
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class HostileInput : public ::testing::TestWithParam<Case> {};

TEST_P(HostileInput, ExactMessageAndTheProgramsOwnOutputIntact) {
    const Case& c = GetParam();
    robustness::TempDir dir;
    std::string fifo = dir / "fifo", config = dir / "kashim.conf";
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    auto expand = [&](std::string text) {
        return replaced(replaced(replaced(text, "{fifo}", fifo), "{file}", config), "{dir}", dir.path());
    };

    ChildOptions options;
    options.argv = {WRAPPED_PROGRAM};
    options.preload = {robustness::shim_library()};
    options.timeout = std::chrono::seconds(20);  // a hang fails the case instead of the suite
    options.env["KA_CONFIG"] = "";               // no system file unless the case writes one
    if (c.source == Source::Env) {
        options.env[c.variable] = expand(c.value);
    } else {
        robustness::write_file(config, c.value, c.source == Source::WorldWritableFile ? 0666 : 0644);
        options.env["KA_CONFIG"] = config;
    }
    ChildResult result = robustness::run_child(options);
    EXPECT_EQ(result.exit_code, 0) << result.describe();
    EXPECT_FALSE(result.timed_out);
    EXPECT_EQ(result.err, expand(c.expected));
    EXPECT_TRUE(result.out == reference_output()) << "the program's own output changed under kashim:\n"
                                                  << result.out.substr(0, 400);
}

INSTANTIATE_TEST_SUITE_P(Catalogue, HostileInput, ::testing::ValuesIn(catalogue()),
                         [](const ::testing::TestParamInfo<Case>& param) { return param.param.name; });

}  // namespace
