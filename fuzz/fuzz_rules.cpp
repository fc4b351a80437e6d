// The rule grammar (KA_RULES, and "rule" lines of the config file): whatever is accepted holds
// only values the kernel takes, is described in one printable line, and that description parsed
// again is the same rule; matching, program filtering and planning cope with any rule set.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/rules.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    kashim::Config config;
    kashim::LoadReport report;
    kashim::parse_rules(text, "KA_RULES", config.rules, report);
    kashim_fuzz::check_report(report);
    kashim_fuzz::check_config(config);

    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = htons(5432);
    inet_pton(AF_INET, "10.1.2.3", &v4.sin_addr);
    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(443);
    inet_pton(AF_INET6, "::ffff:192.0.2.7", &v6.sin6_addr);
    for (kashim::Direction direction : {kashim::Direction::In, kashim::Direction::Out}) {
        int a = kashim::match_rule(config.rules, {direction, reinterpret_cast<sockaddr*>(&v4), sizeof v4, 5432});
        int b = kashim::match_rule(config.rules, {direction, reinterpret_cast<sockaddr*>(&v6), sizeof v6, 443});
        int c = kashim::match_rule(config.rules, {direction, nullptr, 0, 0});
        for (int index : {a, b, c}) KASHIM_FUZZ_CHECK(index >= -1 && index < static_cast<int>(config.rules.count), text);
    }
    kashim::RuleNeeds needs = kashim::rule_needs(config.rules);
    KASHIM_FUZZ_CHECK(needs.any == (config.rules.count != 0), text);
    kashim::keep_rules_for_program(config.rules, "psql");
    for (size_t i = 0; i < config.rules.count; ++i)
        KASHIM_FUZZ_CHECK(config.rules.rules[i].program.size() == 0, text);
    kashim_fuzz::check_config(config);
    return 0;
}
