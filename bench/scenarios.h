// The operations kashim's benchmark times. The timing worker and the allocation test both take
// them from here, so the test checks exactly the hot paths the table reports on.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace kashim_bench {

// The options kashim can set on a TCP socket (SO_KEEPALIVE, idle, intvl, cnt, user timeout): the
// yardstick cycles through them, and the CallsInContext scenario makes them all.
constexpr int kKeepaliveOptionCount = 5;

// Which of the benchmark's targets a scenario is judged by.
enum class Target {
    Yardstick,    // not judged: the unit the TCP targets are stated in
    CallsInContext,  // not judged: what the yardstick's calls cost a program on a fresh socket
    PassThrough,  // within 2% of bare
    TcpSocket,    // extra cost at most 1.1 x setsockopt calls issued x yardstick
    Loopback,     // within 5% of bare, plus the setsockopt calls issued
    StartUp,      // within 5% of bare
    None,         // shown, not judged
};

// One operation, repeated. The constructor sets up what the operation needs (listeners, a
// helper thread) outside the timed and the counted region; the destructor tears it down.
class Scenario {
public:
    virtual ~Scenario() = default;
    virtual void run(uint64_t operations) = 0;
};

struct ScenarioInfo {
    std::string_view id;     // on the worker's command line
    std::string_view title;  // in the table; says what one operation is
    Target target;
    bool runs_hooks_in_process;  // false for start-up, whose hooks run in the child
    std::unique_ptr<Scenario> (*make)();
};

// In table order, the yardstick first.
const std::vector<ScenarioInfo>& scenarios();
const ScenarioInfo* find_scenario(std::string_view id);

// The do-nothing C program whose start-up is timed.
const char* trivial_program_path();

// Prints what failed and why, and exits: timing a failing call would time an error path that
// no real program takes.
[[noreturn]] void die(const char* what);

// `result`, unless it is negative: then die(what).
long checked(long result, const char* what);

// Binds `fd` to an ephemeral port on 127.0.0.1 and returns the address it got: only loopback
// traffic, and no fixed port to collide with anyone else's.
sockaddr_in bind_loopback(int fd);

// The value of an option on a fresh outgoing loopback TCP connection, made with socket() and
// connect() as a program makes it: whether, and how, a preloaded library configured it.
int option_on_outgoing_connection(int level, int name);

}  // namespace kashim_bench
