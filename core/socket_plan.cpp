#include "socket_plan.h"
#include "load_path.h"

#include "address_text.h"
#include "dead_peer.h"

#include <netinet/in.h>
#include <sys/socket.h>

namespace kashim {
namespace {

struct Effective {
    int idle_s, intvl_s, cnt;
};

Effective effective(const KeepaliveSettings& settings, const KernelKeepalive& kernel) {
    return {settings.idle_s.value_or(kernel.idle_s), settings.intvl_s.value_or(kernel.intvl_s),
            settings.cnt.value_or(kernel.cnt)};
}

void add_seconds(MessageText& line, std::string_view name, const std::optional<int>& configured,
                 int kernel_value, std::string_view unit) {
    line.add(", ").add(name).add(' ').add_signed(configured.value_or(kernel_value)).add(unit);
    if (!configured) line.add(" (kernel)");
}

void add_duration(MessageText& line, uint64_t millis) {
    line.add_unsigned(millis / 1000);
    if (millis % 1000 != 0) {
        line.add('.');
        uint64_t fraction = millis % 1000;
        if (fraction < 100) line.add('0');
        if (fraction < 10) line.add('0');
        line.add_unsigned(fraction);
    }
    line.add(" s");
}

}  // namespace

int option_index(uint8_t bit) {
    for (int index = 0; index < KASHIM_OPTION_COUNT; ++index)
        if (bit == KASHIM_OPTION_BIT(index)) return index;
    return -1;
}

std::string_view option_bit_name(uint8_t bit) { return kashim_option_printable_name(option_index(bit)); }

OptionValues option_values(const SocketPlan& plan) {
    OptionValues values;
    for (uint8_t i = 0; i < plan.count; ++i) {
        const SocketOption& option = plan.options[i];
        values.set |= option.bit;
        values.values[option_index(option.bit)] = option.value;
    }
    return values;
}

uint32_t effective_user_timeout_ms(const KeepaliveSettings& settings, const KernelKeepalive& kernel) {
    switch (settings.user_timeout.kind) {
        case UserTimeoutSetting::Kind::Millis:
            return settings.user_timeout.millis;
        case UserTimeoutSetting::Kind::Auto: {
            Effective e = effective(settings, kernel);
            uint64_t millis = (static_cast<uint64_t>(e.idle_s) +
                               static_cast<uint64_t>(e.intvl_s) * static_cast<uint64_t>(e.cnt)) *
                              1000;
            return static_cast<uint32_t>(millis > kMaxUserTimeoutMillis ? kMaxUserTimeoutMillis : millis);
        }
        default:
            return 0;
    }
}

KASHIM_LOAD_PATH SocketPlan plan_keepalive(const KeepaliveSettings& settings, const KernelKeepalive& kernel) {
    SocketPlan plan;
    auto add = [&plan](int index, int value) {
        uint8_t bit = static_cast<uint8_t>(KASHIM_OPTION_BIT(index));
        plan.options[plan.count++] = {kashim_option_level(index), kashim_option_name(index), value, bit};
        plan.pinned |= bit;
    };
    add(KASHIM_OPTION_KEEPALIVE, 1);
    if (settings.idle_s) add(KASHIM_OPTION_IDLE, *settings.idle_s);
    if (settings.intvl_s) add(KASHIM_OPTION_INTVL, *settings.intvl_s);
    if (settings.cnt) add(KASHIM_OPTION_CNT, *settings.cnt);
    uint32_t user_timeout = effective_user_timeout_ms(settings, kernel);
    if (user_timeout != 0) add(KASHIM_OPTION_USER_TIMEOUT, static_cast<int>(user_timeout));
    return plan;
}

bool is_tcp_socket_request(int domain, int type, int protocol) {
    return is_inet_family(domain) && (type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) == SOCK_STREAM &&
           (protocol == 0 || protocol == IPPROTO_TCP);
}

KASHIM_LOAD_PATH KeepaliveSettings expand_detect(const KeepaliveSettings& layer) {
    if (!layer.detect_ms) return layer;
    int total = static_cast<int>(*layer.detect_ms / 1000);  // at least 2
    int cnt = 3, intvl = total / 6 > 1 ? total / 6 : 1;
    if (total < 4) cnt = total - 1;  // 2 s: idle 1 + one probe 1; 3 s: idle 1 + two probes
    if (intvl > kMaxKeepIntvlSeconds) intvl = kMaxKeepIntvlSeconds;
    int idle = total - intvl * cnt;
    if (idle > kMaxKeepIdleSeconds) idle = kMaxKeepIdleSeconds;
    KeepaliveSettings expanded = layer;
    if (!expanded.idle_s) expanded.idle_s = idle;
    if (!expanded.intvl_s) expanded.intvl_s = intvl;
    if (!expanded.cnt) expanded.cnt = cnt;
    // With a user timeout the kernel ignores cnt and aborts at the first probe past the timeout,
    // so the timeout is the probing time itself: the idle bound then holds exactly, and data in
    // flight is bounded by the same figure (never above D).
    if (expanded.user_timeout.kind == UserTimeoutSetting::Kind::Unset)
        expanded.user_timeout = {UserTimeoutSetting::Kind::Millis,
                                 static_cast<uint32_t>((idle + static_cast<int64_t>(intvl) * cnt) * 1000)};
    return expanded;
}

KASHIM_LOAD_PATH KeepaliveSettings layered(const KeepaliveSettings& base, const KeepaliveSettings& over) {
    KeepaliveSettings result = base;
    if (over.idle_s) result.idle_s = over.idle_s;
    if (over.intvl_s) result.intvl_s = over.intvl_s;
    if (over.cnt) result.cnt = over.cnt;
    if (over.user_timeout.kind != UserTimeoutSetting::Kind::Unset) result.user_timeout = over.user_timeout;
    if (over.detect_ms) result.detect_ms = over.detect_ms;
    return result;
}

KASHIM_LOAD_PATH void check_detect_bound(const KeepaliveSettings& layer, std::string_view label, LoadReport& report) {
    if (!layer.detect_ms) return;
    KeepaliveSettings e = expand_detect(layer);
    DetectionBound bound = detection_bound(e, KernelKeepalive{});
    if (bound.idle_ms <= *layer.detect_ms && bound.in_flight_ms != 0 && bound.in_flight_ms <= *layer.detect_ms)
        return;
    MessageText& line = report.add(LogLevel::Warn).add(label).add('=');
    add_duration(line, *layer.detect_ms);
    line.add(" is not kept: ");
    if (bound.in_flight_ms == 0) {
        line.add("the user timeout is off, so data in flight waits for the retransmission timeout");
        return;
    }
    line.add("idle ").add_signed(*e.idle_s).add(" s, intvl ").add_signed(*e.intvl_s).add(" s, cnt ").add_signed(*e.cnt);
    line.add(", user timeout ");
    add_duration(line, bound.in_flight_ms);
    line.add(" notice a dead peer after ");
    add_duration(line, bound.idle_ms > bound.in_flight_ms ? bound.idle_ms : bound.in_flight_ms);
}

KASHIM_LOAD_PATH PlanSet build_plans(const Config& config, const KernelKeepalive& kernel) {
    PlanSet plans;
    KeepaliveSettings global = expand_detect(config.keepalive);
    plans.global = plan_keepalive(global, kernel);
    for (size_t i = 0; i < config.rules.count; ++i) {
        const Rule& rule = config.rules.rules[i];
        if (!rule.off) plans.rules[i] = plan_keepalive(layered(global, expand_detect(rule.settings)), kernel);
    }
    return plans;
}

uint8_t keepalive_option_bit(int level, int name) {
    int index = kashim_option_index(level, name);
    return index < 0 ? 0 : static_cast<uint8_t>(KASHIM_OPTION_BIT(index));
}

DetectionBound detection_bound(const KeepaliveSettings& settings, const KernelKeepalive& kernel) {
    Effective e = effective(settings, kernel);
    uint64_t idle_ms = static_cast<uint64_t>(e.idle_s) * 1000;
    uint64_t intvl_ms = static_cast<uint64_t>(e.intvl_s) * 1000;
    uint64_t user_timeout = effective_user_timeout_ms(settings, kernel);
    if (user_timeout == 0) return {idle_ms + intvl_ms * static_cast<uint64_t>(e.cnt), 0};
    // With a user timeout the keepalive timer ignores the probe count: it aborts at the first
    // probe tick (idle + k x intvl, k >= 1) at which the timeout has passed.
    uint64_t ticks = 1;
    if (user_timeout > idle_ms + intvl_ms) ticks = (user_timeout - idle_ms + intvl_ms - 1) / intvl_ms;
    return {idle_ms + ticks * intvl_ms, user_timeout};
}

void describe_configured(MessageText& line, const char* event, const sockaddr* peer, socklen_t peer_length, int rule,
                         const SocketPlan& plan, uint8_t skip) {
    line.add(event);
    if (peer != nullptr) line.add(' '), add_address(line, peer, peer_length);
    if (rule >= 0) line.add(" (rule ").add_signed(rule + 1).add(')');
    line.add(plan.count == 0 ? ": off, left untouched" : ": set");
    for (uint8_t i = 0; i < plan.count; ++i) {
        const SocketOption& option = plan.options[i];
        if ((option.bit & skip) == 0) line.add(' ').add(option_bit_name(option.bit)).add('=').add_signed(option.value);
    }
    if (skip != 0) line.add(", kept the program's own");
}

void describe_dead_peer(MessageText& line, int reason, const sockaddr* peer, socklen_t peer_length, uint32_t silent_ms) {
    line.add("connection to ");
    add_address(line, peer, peer_length);
    line.add(" ended on a dead peer (").add(kashim_dead_peer_reason_name(reason)).add("): ");
    line.add(kashim_dead_peer_reason_meaning(reason));
    if (reason == KASHIM_DEAD_PEER_CONNECT) return;
    line.add("; nothing heard from it for ");
    add_duration(line, silent_ms);
}

void describe_active(const Config& config, const KernelKeepalive& kernel, MessageText& line) {
    if (!config.enabled) {
        line.add("disabled (KA_ENABLE); every call passes through untouched");
        return;
    }
    KeepaliveSettings settings = expand_detect(config.keepalive);
    line.add("active, policy ").add(policy_name(config.policy));
    line.add(": keepalive on");
    add_seconds(line, "idle", settings.idle_s, kernel.idle_s, " s");
    add_seconds(line, "intvl", settings.intvl_s, kernel.intvl_s, " s");
    add_seconds(line, "cnt", settings.cnt, kernel.cnt, "");
    uint32_t user_timeout = effective_user_timeout_ms(settings, kernel);
    line.add(", user timeout ");
    if (user_timeout == 0) line.add("kernel default");
    else add_duration(line, user_timeout);
    if (settings.user_timeout.kind == UserTimeoutSetting::Kind::Auto) line.add(" (auto)");

    DetectionBound bound = detection_bound(settings, kernel);
    line.add("; a dead peer is noticed within ");
    add_duration(line, bound.idle_ms);
    line.add(" when idle, ");
    if (bound.in_flight_ms == 0) line.add("only after the retransmission timeout (tcp_retries2) with data in flight");
    else add_duration(line, bound.in_flight_ms), line.add(" with data in flight");
    if (config.rules.count != 0) line.add("; ").add_unsigned(config.rules.count).add(" rules follow, first match wins");
}

}  // namespace kashim
