#include "proc_net_tcp.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <charconv>
#include <cstring>
#include <fstream>
#include <vector>

#include "core/address_text.h"
#include "duration_text.h"

namespace kashim::cli {
namespace {

std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> out;
    size_t start = line.find_first_not_of(" \t");
    while (start != std::string_view::npos) {
        size_t end = line.find_first_of(" \t\n", start);
        out.push_back(line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        start = line.find_first_not_of(" \t\n", end == std::string_view::npos ? line.size() : end);
    }
    return out;
}

template <typename Number>
bool parse_number(std::string_view text, Number& out, int base) {
    if (text.empty()) return false;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out, base);
    return error == std::errc() && end == text.data() + text.size();
}

// "0100007F:1F90": the address as the kernel's 32-bit words in host order, then the port.
bool parse_address(std::string_view text, int family, sockaddr_storage& out) {
    size_t colon = text.find(':');
    if (colon == std::string_view::npos) return false;
    std::string_view words = text.substr(0, colon);
    uint16_t port = 0;
    if (!parse_number(text.substr(colon + 1), port, 16)) return false;

    size_t word_count = family == AF_INET ? 1 : 4;
    if (words.size() != word_count * 8) return false;
    uint32_t raw[4] = {};
    for (size_t i = 0; i < word_count; ++i)
        if (!parse_number(words.substr(i * 8, 8), raw[i], 16)) return false;

    out = {};
    if (family == AF_INET) {
        auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        std::memcpy(&v4->sin_addr, raw, sizeof v4->sin_addr);
    } else {
        auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        std::memcpy(&v6->sin6_addr, raw, sizeof v6->sin6_addr);
    }
    return true;
}

// "02:00000BB8": the timer kind and the ticks until it fires.
bool parse_timer(std::string_view text, TcpEntry& entry) {
    size_t colon = text.find(':');
    unsigned kind = 0;
    uint64_t ticks = 0;
    if (colon == std::string_view::npos || !parse_number(text.substr(0, colon), kind, 16) ||
        !parse_number(text.substr(colon + 1), ticks, 16) || kind > 4)
        return false;
    entry.timer = static_cast<TcpTimer>(kind);
    // Older kernels print an expired timer as a negative number in an unsigned field.
    entry.timer_ticks = ticks > INT64_MAX ? 0 : static_cast<int64_t>(ticks);
    return true;
}

uint64_t ticks_to_millis(int64_t ticks, long ticks_per_second) {
    return static_cast<uint64_t>(ticks) * 1000 / static_cast<uint64_t>(ticks_per_second > 0 ? ticks_per_second : 100);
}

}  // namespace

std::optional<TcpEntry> parse_tcp_line(std::string_view line, int family) {
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
    std::vector<std::string_view> f = fields(line);
    TcpEntry entry;
    if (f.size() < 10 || f[0].empty() || f[0].back() != ':') return std::nullopt;
    if (!parse_address(f[1], family, entry.local) || !parse_address(f[2], family, entry.remote) ||
        !parse_number(f[3], entry.state, 16) || !parse_timer(f[5], entry) ||
        !parse_number(f[6], entry.retransmits, 16) || !parse_number(f[8], entry.probes, 10) ||
        !parse_number(f[9], entry.inode, 10))
        return std::nullopt;
    return entry;
}

std::string_view tcp_state_name(int state) {
    switch (state) {
        case TCP_ESTABLISHED: return "ESTABLISHED";
        case TCP_SYN_SENT: return "SYN_SENT";
        case TCP_SYN_RECV: return "SYN_RECV";
        case TCP_FIN_WAIT1: return "FIN_WAIT1";
        case TCP_FIN_WAIT2: return "FIN_WAIT2";
        case TCP_TIME_WAIT: return "TIME_WAIT";
        case TCP_CLOSE: return "CLOSE";
        case TCP_CLOSE_WAIT: return "CLOSE_WAIT";
        case TCP_LAST_ACK: return "LAST_ACK";
        case TCP_LISTEN: return "LISTEN";
        case TCP_CLOSING: return "CLOSING";
        default: return "UNKNOWN";
    }
}

std::string describe_timer(const TcpEntry& entry, long ticks_per_second) {
    std::string in = " in " + seconds_text(ticks_to_millis(entry.timer_ticks, ticks_per_second));
    switch (entry.timer) {
        case TcpTimer::None: return "none";
        case TcpTimer::Retransmit:
            return "retransmit" + in + " (" + std::to_string(entry.retransmits) + " retries)";
        case TcpTimer::Keepalive:
            return "keepalive" + in + ", " + std::to_string(entry.probes) + " probes unanswered";
        case TcpTimer::TimeWait: return "time-wait" + in;
        case TcpTimer::ZeroWindowProbe:
            return "zero-window probe" + in + ", " + std::to_string(entry.probes) + " probes unanswered";
    }
    return "unknown";
}

std::string address_text(const sockaddr_storage& address) {
    MessageText text;
    add_address(text, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    return std::string(text.view());
}

std::map<uint64_t, TcpEntry> tcp_table(int pid) {
    std::map<uint64_t, TcpEntry> table;
    for (auto [file, family] : {std::pair{"/net/tcp", AF_INET}, std::pair{"/net/tcp6", AF_INET6}}) {
        std::ifstream lines("/proc/" + std::to_string(pid) + file);
        std::string line;
        while (std::getline(lines, line))
            if (std::optional<TcpEntry> entry = parse_tcp_line(line, family)) table[entry->inode] = *entry;
    }
    return table;
}

}  // namespace kashim::cli
