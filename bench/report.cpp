#include "report.h"

#include <cstdarg>
#include <cstdio>
#include <optional>

#include "statistics.h"

namespace kashim_bench {
namespace {

constexpr size_t kBare = 0;

std::string format(const char* pattern, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* pattern, ...) {
    char text[1024];
    va_list arguments;
    va_start(arguments, pattern);
    std::vsnprintf(text, sizeof text, pattern, arguments);
    va_end(arguments);
    return text;
}

std::string title_of(const Results& results, size_t scenario) { return std::string(results.scenarios[scenario]->title); }

// The bare runs, one per round, of the scenario with this target; empty when it was not run.
std::vector<double> bare_rounds_of(const Results& results, Target target) {
    for (size_t scenario = 0; scenario < results.scenarios.size(); ++scenario)
        if (results.scenarios[scenario]->target == target) return results.ns_per_operation[scenario][kBare];
    return {};
}

std::vector<double> yardstick_rounds(const Results& results) { return bare_rounds_of(results, Target::Yardstick); }

// One variant's runs of one scenario against the runs of a baseline (bare, unless said) in the
// same rounds: pairing run with run keeps out the drift of a machine others are using.
struct Comparison {
    double ns_per_operation;  // median over the rounds
    double ratio;             // median of the per-round ratios to the baseline
    Interval ratio_interval;  // its 95% confidence interval
    double extra_ns;          // median of the per-round differences
    double extra_yardsticks;  // median of the per-round differences over that round's yardstick
    double noise;             // half the interquartile range of the ratios (baseline: of its own values)
};

Comparison compare(const Results& results, size_t scenario, size_t variant, size_t baseline = kBare) {
    const std::vector<double>& base = results.ns_per_operation[scenario][baseline];
    const std::vector<double>& runs = results.ns_per_operation[scenario][variant];
    const std::vector<double> yardsticks = yardstick_rounds(results);
    std::vector<double> ratios, extras, extras_in_yardsticks;
    for (size_t round = 0; round < runs.size(); ++round) {
        ratios.push_back(runs[round] / base[round]);
        extras.push_back(runs[round] - base[round]);
        if (!yardsticks.empty()) extras_in_yardsticks.push_back((runs[round] - base[round]) / yardsticks[round]);
    }
    double noise = variant == baseline ? half_interquartile_range(base) / median(base) : half_interquartile_range(ratios);
    return {median(runs),   median(ratios), median_interval(ratios), median(extras), median(extras_in_yardsticks),
            noise};
}

std::vector<size_t> variants_of_kind(const Results& results, Variant::Kind kind) {
    std::vector<size_t> indices;
    for (size_t variant = 0; variant < results.variants.size(); ++variant)
        if (results.variants[variant].kind == kind) indices.push_back(variant);
    return indices;
}

std::string percent(double ratio) { return format("%+.1f%%", (ratio - 1) * 100); }

class TargetLines {
public:
    void add(bool met, const std::string& text) {
        std::printf("  %-7s %s\n", met ? "met" : "MISSED", text.c_str());
        all_met_ = all_met_ && met;
    }
    bool all_met() const { return all_met_; }

private:
    bool all_met_ = true;
};

// "Within x% of bare" for every kashim variant, stated once with the worst of them. For start-up,
// also how much of it any preloaded library costs, measured with an empty one.
void judge_ratio(const Results& results, size_t scenario, double allowed, TargetLines& lines) {
    std::vector<size_t> kashim = variants_of_kind(results, Variant::Kind::Kashim);
    if (kashim.empty()) return;
    size_t worst = kashim.front();
    for (size_t variant : kashim)
        if (compare(results, scenario, variant).ratio > compare(results, scenario, worst).ratio) worst = variant;
    Comparison comparison = compare(results, scenario, worst);
    bool met = comparison.ratio <= 1 + allowed;
    std::string text = format("%s: within %.0f%% of bare; worst %s (%s; 95%% CI %s to %s)",
                              title_of(results, scenario).c_str(), allowed * 100, percent(comparison.ratio).c_str(),
                              results.variants[worst].label.c_str(), percent(comparison.ratio_interval.low).c_str(),
                              percent(comparison.ratio_interval.high).c_str());
    if (!met) text += format(", over by %.1f points", (comparison.ratio - 1 - allowed) * 100);
    std::vector<size_t> empty = variants_of_kind(results, Variant::Kind::EmptyPreload);
    if (results.scenarios[scenario]->target == Target::StartUp && !empty.empty())
        text += format("; an empty preloaded library alone costs %s, kashim %s beyond that",
                       percent(compare(results, scenario, empty.front()).ratio).c_str(),
                       percent(compare(results, scenario, worst, empty.front()).ratio).c_str());
    lines.add(met, text);
}

// The first kashim variant `wanted` picks, if any.
template <typename Wanted>
std::optional<size_t> first_kashim_variant(const Results& results, Wanted wanted) {
    for (size_t variant : variants_of_kind(results, Variant::Kind::Kashim))
        if (wanted(results.variants[variant])) return variant;
    return std::nullopt;
}

bool sets_four_options(const Variant& variant) { return variant.setsockopts_at_socket == 4; }

// Start-up against another keepalive library (KASHIM_BENCH_COMPARE, run with the caller's
// environment), each one's extra time over the empty preloaded library in the same rounds: with
// nothing of kashim's in the environment, as every process of a machine that preloads kashim pays
// it, at most the other's; with settings, at most 1.25 times the other's.
void judge_start_up_against_other_library(const Results& results, size_t scenario, TargetLines& lines) {
    std::vector<size_t> other = variants_of_kind(results, Variant::Kind::OtherLibrary);
    std::vector<size_t> empty = variants_of_kind(results, Variant::Kind::EmptyPreload);
    std::optional<size_t> nothing = first_kashim_variant(results, [](const Variant& v) { return v.settings.empty(); });
    if (other.empty() || empty.empty() || !nothing) return;
    const std::string& theirs_label = results.variants[other.front()].label;
    Comparison theirs = compare(results, scenario, other.front(), empty.front());
    Comparison ours = compare(results, scenario, *nothing, empty.front());
    lines.add(ours.extra_ns <= theirs.extra_ns,
              format("%s, nothing in the environment (as through /etc/ld.so.preload): %+.1f us over the empty "
                     "preloaded library, %s %+.1f us (at most the other's)",
                     title_of(results, scenario).c_str(), ours.extra_ns / 1000, theirs_label.c_str(), theirs.extra_ns / 1000));
    std::optional<size_t> four_options = first_kashim_variant(results, sets_four_options);
    if (!four_options) return;
    Comparison with_settings = compare(results, scenario, *four_options, empty.front());
    lines.add(with_settings.extra_ns <= 1.25 * theirs.extra_ns,
              format("%s, %s: %+.1f us over the empty preloaded library, %s %+.1f us (at most 1.25 times the other's)",
                     title_of(results, scenario).c_str(), results.variants[*four_options].label.c_str(),
                     with_settings.extra_ns / 1000, theirs_label.c_str(), theirs.extra_ns / 1000));
}

// A TCP socket against another keepalive library: kashim setting SO_KEEPALIVE and three options, as
// msantos/libkeepalive's socket library does by default, costs at most the other's, paired by round.
void judge_socket_against_other_library(const Results& results, size_t scenario, TargetLines& lines) {
    std::vector<size_t> other = variants_of_kind(results, Variant::Kind::OtherLibrary);
    std::optional<size_t> four_options = first_kashim_variant(results, sets_four_options);
    if (other.empty() || !four_options) return;
    Comparison ours = compare(results, scenario, *four_options);
    Comparison theirs = compare(results, scenario, other.front());
    lines.add(ours.extra_ns <= theirs.extra_ns,
              format("%s, %s: %+.0f ns over bare, %s %+.0f ns (at most the other's)", title_of(results, scenario).c_str(),
                     results.variants[*four_options].label.c_str(), ours.extra_ns,
                     results.variants[other.front()].label.c_str(), theirs.extra_ns));
}

// A command engine (--cgroup, --seccomp) against the preload library with the same settings, on a
// connection: each one's extra time over the bare run of the same round. Cgroup mode is held to it;
// the supervisor, a round trip per call, is shown beside it.
void judge_command_engines_against_preload(const Results& results, size_t scenario, TargetLines& lines) {
    for (size_t engine : variants_of_kind(results, Variant::Kind::CommandEngine)) {
        for (size_t preload : variants_of_kind(results, Variant::Kind::Kashim)) {
            if (results.variants[preload].settings != results.variants[engine].settings) continue;
            Comparison ours = compare(results, scenario, engine);
            Comparison library = compare(results, scenario, preload);
            Comparison paired = compare(results, scenario, engine, preload);
            std::string text =
                format("%s, %s: %+.2f us a connection, the preload library with the same settings %+.2f us; "
                       "the difference paired by round %+.2f us",
                       title_of(results, scenario).c_str(), results.variants[engine].label.c_str(),
                       ours.extra_ns / 1000, library.extra_ns / 1000, paired.extra_ns / 1000);
            if (results.variants[engine].label.find("--cgroup") != std::string::npos)
                lines.add(paired.extra_ns <= 0, text + " (at or below it)");
            else std::printf("  %-7s %s\n", "", text.c_str());
        }
    }
}

// A limit on the extra cost, as a share of bare plus a number of yardsticks.
struct Limit {
    double share_of_bare;
    double yardsticks;
    std::string rule;
};

// What one setsockopt costs a program on a socket it just made, per round: the bare runs of
// socket()+close() with and without the calls.
std::vector<double> call_in_context_rounds(const Results& results) {
    std::vector<double> with_calls = bare_rounds_of(results, Target::CallsInContext);
    std::vector<double> without = bare_rounds_of(results, Target::TcpSocket);
    if (with_calls.empty() || without.empty()) return {};
    std::vector<double> per_call;
    for (size_t round = 0; round < with_calls.size(); ++round)
        per_call.push_back((with_calls[round] - without[round]) / kKeepaliveOptionCount);
    return per_call;
}

// How much of kashim's extra cost on a TCP socket is not its calls: the calls priced at what
// they cost a program itself on a fresh socket, rather than at the tight-loop yardstick.
std::string beyond_calls_in_context(const Results& results, size_t scenario, size_t variant, int calls) {
    std::vector<double> per_call = call_in_context_rounds(results);
    const std::vector<double> yardsticks = yardstick_rounds(results);
    if (per_call.empty() || calls == 0) return "";
    const std::vector<double>& bare = results.ns_per_operation[scenario][kBare];
    const std::vector<double>& runs = results.ns_per_operation[scenario][variant];
    std::vector<double> beyond, per_call_in_yardsticks;
    for (size_t round = 0; round < runs.size(); ++round) {
        beyond.push_back(runs[round] - bare[round] - calls * per_call[round]);
        per_call_in_yardsticks.push_back(per_call[round] / yardsticks[round]);
    }
    return format("; made by the program itself on a fresh socket a call costs %.2f Y, and kashim's cost beyond "
                  "its %d calls priced so is %+.0f ns",
                  median(per_call_in_yardsticks), calls, median(beyond));
}

// Each kashim variant's extra cost against a limit that depends on the setsockopt calls it issues
// in the scenario (`issued` says which of its counts applies). The limit is worked out per round,
// from that round's bare run and yardstick, and the median margin decides.
void judge_extra(const Results& results, size_t scenario, int Variant::*issued, Limit (*limit_for)(int calls),
                 TargetLines& lines) {
    const std::vector<double>& bare = results.ns_per_operation[scenario][kBare];
    const std::vector<double> yardsticks = yardstick_rounds(results);
    for (size_t variant : variants_of_kind(results, Variant::Kind::Kashim)) {
        const Variant& settings = results.variants[variant];
        const std::vector<double>& runs = results.ns_per_operation[scenario][variant];
        int calls = settings.*issued;
        Limit limit = limit_for(calls);
        std::vector<double> extras_ns, limits_ns, margins_ns;
        for (size_t round = 0; round < runs.size(); ++round) {
            extras_ns.push_back(runs[round] - bare[round]);
            limits_ns.push_back(limit.share_of_bare * bare[round] + limit.yardsticks * yardsticks[round]);
            margins_ns.push_back(limits_ns.back() - extras_ns.back());
        }
        Interval extra_interval = median_interval(extras_ns);
        double margin_ns = median(margins_ns);
        std::string text = format("%s, %s: extra %.0f ns (95%% CI %.0f to %.0f) = %.2f Y for %d calls; limit %s = %.0f ns",
                                  title_of(results, scenario).c_str(), settings.label.c_str(), median(extras_ns),
                                  extra_interval.low, extra_interval.high,
                                  compare(results, scenario, variant).extra_yardsticks, calls, limit.rule.c_str(),
                                  median(limits_ns));
        if (margin_ns < 0) text += format(", over by %.0f ns", -margin_ns);
        if (results.scenarios[scenario]->target == Target::TcpSocket)
            text += beyond_calls_in_context(results, scenario, variant, calls);
        lines.add(margin_ns >= 0, text);
    }
}

// A variant that issues no calls is a pure pass-through here and gets that target instead.
Limit tcp_socket_limit(int calls) {
    if (calls == 0) return {0.02, 0, "2% of bare"};
    return {0, 1.1 * calls, format("1.1 x %d x Y", calls)};
}

Limit loopback_limit(int calls) { return {0.05, static_cast<double>(calls), format("5%% of bare + %d x Y", calls)}; }

bool is_raw_syscall_row(const ScenarioInfo& scenario) {
    return scenario.target == Target::Yardstick || scenario.target == Target::CallsInContext;
}

}  // namespace

void print_table(const Results& results) {
    bool has_yardstick = !yardstick_rounds(results).empty();
    std::printf("%-50s %10s %8s %9s %8s %7s\n", "scenario, variant (ns per operation)", "ns/op", "vs bare", "extra ns",
                "extra/Y", "noise");
    for (size_t scenario = 0; scenario < results.scenarios.size(); ++scenario) {
        std::printf("%s\n", title_of(results, scenario).c_str());
        for (size_t variant = 0; variant < results.variants.size(); ++variant) {
            Comparison comparison = compare(results, scenario, variant);
            std::printf("  %-48s %10.1f", results.variants[variant].label.c_str(), comparison.ns_per_operation);
            if (variant == kBare) std::printf(" %8s %9s %8s", "", "", "");
            else if (has_yardstick)
                std::printf(" %8.3f %+9.1f %+8.2f", comparison.ratio, comparison.extra_ns, comparison.extra_yardsticks);
            else std::printf(" %8.3f %+9.1f %8s", comparison.ratio, comparison.extra_ns, "");
            std::printf("  ±%4.1f%%\n", comparison.noise * 100);
        }
    }
    std::printf("vs bare, extra: medians of the per-round ratio and difference to the bare run. extra/Y: the extra "
                "cost in setsockopt syscalls (the yardstick's bare run of the same round). noise: half the "
                "interquartile range over the rounds of the ratio to bare (for bare, of its ns).\n");
}

bool print_loaded_objects(const Results& results) {
    std::printf("\nShared objects a trivial C program loads beyond bare:\n");
    std::string shim = results.shim.substr(results.shim.find_last_of('/') + 1);
    TargetLines lines;
    for (size_t variant = 0; variant < results.variants.size(); ++variant) {
        if (variant == kBare) continue;
        std::string names;
        for (const std::string& object : results.extra_objects[variant]) names += (names.empty() ? "" : ", ") + object;
        if (names.empty()) names = "none";
        const Variant& settings = results.variants[variant];
        if (settings.kind == Variant::Kind::Kashim)
            lines.add(results.extra_objects[variant] == std::vector<std::string>{shim},
                      format("%s: %s (only the shim itself allowed)", settings.label.c_str(), names.c_str()));
        else std::printf("  %-7s %s: %s\n", "", settings.label.c_str(), names.c_str());
    }
    return lines.all_met();
}

void print_targets(const Results& results) {
    bool has_yardstick = !yardstick_rounds(results).empty();
    std::printf("\nTargets (Y: one setsockopt syscall in a tight loop, measured in the same round; limits worked out "
                "per round; CI: 95%% confidence interval of the median over the rounds):\n");
    TargetLines lines;
    for (size_t scenario = 0; scenario < results.scenarios.size(); ++scenario) {
        switch (results.scenarios[scenario]->target) {
            case Target::PassThrough:
                judge_ratio(results, scenario, 0.02, lines);
                break;
            case Target::StartUp:
                judge_ratio(results, scenario, 0.05, lines);
                judge_start_up_against_other_library(results, scenario, lines);
                break;
            case Target::TcpSocket:
                if (has_yardstick) judge_extra(results, scenario, &Variant::setsockopts_at_socket, tcp_socket_limit, lines);
                judge_socket_against_other_library(results, scenario, lines);
                break;
            case Target::Loopback:
                if (has_yardstick)
                    judge_extra(results, scenario, &Variant::setsockopts_per_connection, loopback_limit, lines);
                judge_command_engines_against_preload(results, scenario, lines);
                break;
            case Target::Yardstick:
            case Target::CallsInContext:
            case Target::None:
                break;
        }
    }
}

void print_noise(const Results& results) {
    std::printf("\nNoise:\n");
    double worst = -1, lowest_ratio = 1e9, highest_ratio = 0;
    std::vector<double> noises;
    std::string worst_cell;
    for (size_t scenario = 0; scenario < results.scenarios.size(); ++scenario) {
        for (size_t variant = 0; variant < results.variants.size(); ++variant) {
            Comparison comparison = compare(results, scenario, variant);
            noises.push_back(comparison.noise);
            if (comparison.noise > worst) {
                worst = comparison.noise;
                worst_cell = title_of(results, scenario) + ", " + results.variants[variant].label;
            }
            if (is_raw_syscall_row(*results.scenarios[scenario]) && variant != kBare) {
                lowest_ratio = std::min(lowest_ratio, comparison.ratio);
                highest_ratio = std::max(highest_ratio, comparison.ratio);
            }
        }
    }
    if (highest_ratio > 0)
        std::printf("  the raw-syscall rows cost the same in every variant by construction; their ratios to bare "
                    "span %.3f to %.3f\n",
                    lowest_ratio, highest_ratio);
    std::printf("  per-row noise: median ±%.1f%%, worst ±%.1f%% (%s)\n", median(noises) * 100, worst * 100,
                worst_cell.c_str());
}

}  // namespace kashim_bench
