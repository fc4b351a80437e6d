// What kashim knows about each file descriptor number, so connect() and accept() act only on TCP
// sockets nobody configured yet, and setsockopt() knows which options the operator pinned.
// Two bytes per number, in memory mapped at the first record (a process that never makes a socket
// never maps it): lock-free, no heap, safe in signal handlers.
#pragma once

#include <atomic>
#include <cstdint>

namespace kashim {

enum class FdKind : uint8_t {
    Unknown = 0,     // never seen made, or closed since: ask the kernel before acting
    NotManaged = 1,  // not a TCP socket (UDP, UNIX, ...): leave it alone
    Managed = 2,     // a TCP socket kashim configured
    Pending = 3,     // a TCP socket whose settings wait for the rule its connection matches
};

struct FdState {
    FdKind kind = FdKind::Unknown;
    // Managed: the OptionBits whose operator value the policy defends. Pending: the ones the
    // program set itself, which the policy weighs when the rule is applied later.
    uint8_t options = 0;
    int8_t rule = -1;  // Managed: the rule whose plan it carries, -1 for the global settings
    // Managed: went through connect() or accept() while the info log is on, so its close asks the
    // kernel how it ended (dead_peer_report.h). A socket made and closed unconnected, or any
    // socket at the default log level, costs its close nothing more than this byte.
    bool watched = false;

    bool operator==(const FdState& other) const {
        return kind == other.kind && options == other.options && rule == other.rule && watched == other.watched;
    }
};

class FdRegistry {
public:
    // Numbers at or above this are always Unknown: correct, only slower (one getsockopt).
    static constexpr int kCapacity = 1 << 20;

    FdState get(int fd) const {
        const std::atomic<uint16_t>* states = states_.load(std::memory_order_acquire);
        if (states == nullptr || fd < 0 || fd >= kCapacity) return {};
        uint16_t bits = states[fd].load(std::memory_order_acquire);
        return {static_cast<FdKind>(bits & 3), static_cast<uint8_t>((bits >> 2) & 0x1f),
                static_cast<int8_t>(((bits >> 7) & 0x3f) - 1), (bits & kWatchedBit) != 0};
    }

    void set(int fd, FdState state) {
        if (fd < 0 || fd >= kCapacity) return;
        std::atomic<uint16_t>* states = mapped_states();
        if (states == nullptr) return;  // no memory for it: every number stays Unknown
        raise_high_water(fd);
        states[fd].store(static_cast<uint16_t>(static_cast<unsigned>(state.kind) | (state.options & 0x1fu) << 2 |
                                                (static_cast<unsigned>(state.rule + 1) & 0x3fu) << 7 |
                                                (state.watched ? kWatchedBit : 0u)),
                          std::memory_order_release);
    }

    void forget(int fd) {
        std::atomic<uint16_t>* states = states_.load(std::memory_order_acquire);
        if (states != nullptr && fd >= 0 && fd < kCapacity) states[fd].store(0, std::memory_order_release);
    }

    // Forgets [first, last]; only numbers ever recorded are touched, so closing "everything
    // above 3" costs nothing like a megabyte of stores.
    void forget_range(unsigned first, unsigned last) {
        std::atomic<uint16_t>* states = states_.load(std::memory_order_acquire);
        if (states == nullptr) return;
        unsigned high = static_cast<unsigned>(high_water_.load(std::memory_order_acquire));
        if (last > high) last = high;
        for (unsigned fd = first; fd <= last && fd < static_cast<unsigned>(kCapacity); ++fd)
            states[fd].store(0, std::memory_order_release);
    }

    // Calls visit(fd) for each watched number in [first, last], among those ever recorded.
    template <typename Visit>
    void for_each_watched(unsigned first, unsigned last, Visit visit) const {
        const std::atomic<uint16_t>* states = states_.load(std::memory_order_acquire);
        if (states == nullptr) return;
        unsigned high = static_cast<unsigned>(high_water_.load(std::memory_order_acquire));
        if (last > high) last = high;
        for (unsigned fd = first; fd <= last && fd < static_cast<unsigned>(kCapacity); ++fd)
            if ((states[fd].load(std::memory_order_acquire) & kWatchedBit) != 0) visit(static_cast<int>(fd));
    }

private:
    // Bits 0-1 the kind, 2-6 the options, 7-12 the rule + 1, 13 watched.
    static constexpr unsigned kWatchedBit = 1u << 13;

    void raise_high_water(int fd) {
        int seen = high_water_.load(std::memory_order_relaxed);
        while (fd > seen && !high_water_.compare_exchange_weak(seen, fd, std::memory_order_acq_rel)) {
        }
    }

    // The states, mapped at the first call that records one; null until then, and wherever the
    // mapping failed. Two megabytes in the library's own .bss cost every exec about 6 µs, used or not.
    std::atomic<uint16_t>* mapped_states();

    std::atomic<int> high_water_{0};
    std::atomic<std::atomic<uint16_t>*> states_{nullptr};
};

extern FdRegistry fd_registry;

}  // namespace kashim
