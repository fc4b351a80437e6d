#include "fuzz_support.h"

#include "core/rules.h"

namespace kashim_fuzz {

void check_rule_round_trip(const kashim::Rule& rule) {
    kashim::MessageText first;
    kashim::describe_rule(rule, first);
    std::string text(first.view());
    KASHIM_FUZZ_CHECK(printable_line(text), text);
    // A rule with no selector is described as "(any) idle=...", which is not rule syntax.
    std::string written = text.rfind("(any)", 0) == 0 ? text.substr(5) : text;
    kashim::RuleSet again;
    kashim::LoadReport report;
    kashim::parse_rules(written, "round trip", again, report);
    // (It may be warned about again, as a detect= bound its own timers break is.)
    KASHIM_FUZZ_CHECK(again.count == 1, text + (report.count() ? " -> " + std::string(report.text(0)) : ""));
    kashim::MessageText second;
    kashim::describe_rule(again.rules[0], second);
    KASHIM_FUZZ_CHECK(second.view() == first.view(), text + " -> " + std::string(second.view()));
}

}  // namespace kashim_fuzz
