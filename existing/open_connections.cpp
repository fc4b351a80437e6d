#include "open_connections.h"

#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

#include "core/duration.h"
#include "core/socket_configurator.h"
#include "target_process.h"

namespace kashim {
namespace {

constexpr std::string_view kSocketLinkPrefix = "socket:[";

int option_value(int socket, int level, int name, bool& ok) {
    int value = 0;
    socklen_t length = sizeof value;
    ok = getsockopt(socket, level, name, &value, &length) == 0;
    return value;
}

uint16_t local_port(int socket) {
    sockaddr_storage local{};
    socklen_t length = sizeof local;
    if (getsockname(socket, reinterpret_cast<sockaddr*>(&local), &length) != 0) return 0;
    return port_of(reinterpret_cast<sockaddr*>(&local), length);
}

// A socket's own choices, as far as the kernel shows them: keepalive on, and timers that are not
// the kernel's defaults.
ProgramChoices current_choices(int socket, const KernelKeepalive& kernel, Policy policy) {
    int defaults[KASHIM_OPTION_COUNT] = {};
    defaults[KASHIM_OPTION_IDLE] = kernel.idle_s;
    defaults[KASHIM_OPTION_INTVL] = kernel.intvl_s;
    defaults[KASHIM_OPTION_CNT] = kernel.cnt;
    uint8_t set = 0;
    for (int index = 0; index < KASHIM_OPTION_COUNT; ++index) {
        bool ok = false;
        int value = option_value(socket, kashim_option_level(index), kashim_option_name(index), ok);
        if (ok && value != defaults[index]) set |= static_cast<uint8_t>(KASHIM_OPTION_BIT(index));
    }
    return program_choices(policy, set, [socket](int level, int name, int& value) {
        bool ok = false;
        value = option_value(socket, level, name, ok);
        return ok;
    });
}

struct TakenSocket {
    int fd;
    UniqueFd socket;
    bool listening;
};

}  // namespace

std::map<int, uint64_t> socket_descriptors(pid_t pid, std::string& problem) {
    std::map<int, uint64_t> sockets;
    std::string directory = "/proc/" + std::to_string(pid) + "/fd";
    DIR* listing = opendir(directory.c_str());
    if (listing == nullptr) {
        int error = errno;
        problem = "cannot read " + directory + ": " + std::strerror(error);
        if (error == EACCES || error == EPERM) problem += " (it takes root, or the same user)";
        return sockets;
    }
    while (dirent* entry = readdir(listing)) {
        ParsedNumber fd = parse_count(entry->d_name);
        if (fd.error != NumberError::None) continue;
        char target[64];
        ssize_t length = readlinkat(dirfd(listing), entry->d_name, target, sizeof target - 1);
        if (length <= 0) continue;
        std::string_view link(target, static_cast<size_t>(length));
        if (link.substr(0, kSocketLinkPrefix.size()) != kSocketLinkPrefix) continue;
        ParsedNumber inode =
            parse_count(link.substr(kSocketLinkPrefix.size(), link.size() - kSocketLinkPrefix.size() - 1));
        if (inode.error == NumberError::None) sockets[static_cast<int>(fd.value)] = inode.value;
    }
    closedir(listing);
    return sockets;
}

OpenConnectionsResult configure_open_connections(pid_t pid, const Config& config, const PlanSet& plans,
                                                 const KernelKeepalive& kernel, const ConfiguredLine& say,
                                                 const ConfiguredSocket& configured) {
    OpenConnectionsResult result;
    std::map<int, uint64_t> descriptors = socket_descriptors(pid, result.problem);
    if (!result.problem.empty()) return result;
    UniqueFd process = open_process(pid);
    if (!process) {
        result.problem = std::string("cannot open it (pidfd_open: ") + std::strerror(errno) + ")";
        return result;
    }
    // Listeners first: a connected socket on a port the process listens on was accepted.
    std::vector<TakenSocket> taken;
    std::set<uint16_t> listening_ports;
    for (const auto& [fd, inode] : descriptors) {
        (void)inode;
        UniqueFd socket = take_descriptor(process.get(), fd);
        if (!socket) {
            if (errno == EPERM || errno == EACCES) {
                result.problem = std::string("may not take its sockets (pidfd_getfd: ") + std::strerror(errno) +
                                 "); it takes root, or the same user where ptrace is allowed";
                return result;
            }
            if (errno == EMFILE || errno == ENFILE) {
                result.problem = "has more sockets than kashim may hold open at once (" +
                                 std::to_string(descriptors.size()) + "); raise kashim's RLIMIT_NOFILE (ulimit -n)";
                return result;
            }
            continue;  // closed since it was listed
        }
        bool ok = false;
        option_value(socket.get(), IPPROTO_TCP, TCP_KEEPIDLE, ok);
        if (!ok) continue;  // not TCP
        bool listening = option_value(socket.get(), SOL_SOCKET, SO_ACCEPTCONN, ok) != 0 && ok;
        if (listening) listening_ports.insert(local_port(socket.get()));
        taken.push_back({fd, std::move(socket), listening});
    }
    // As at listen(): a listener is configured only when no rule looks at an inbound peer; else
    // each accepted connection gets its own rule (and is configured here when already open).
    bool listeners_by_port = !rule_needs(config.rules).inbound_peer;
    for (TakenSocket& entry : taken) {
        if (entry.listening && !listeners_by_port) continue;
        int socket = entry.socket.get();
        sockaddr_storage peer{};
        socklen_t peer_length = sizeof peer;
        bool connected = getpeername(socket, reinterpret_cast<sockaddr*>(&peer), &peer_length) == 0;
        if (!entry.listening && !connected) continue;  // not yet connecting: nothing to decide by
        uint16_t port = local_port(socket);
        bool inbound = entry.listening || listening_ports.count(port) != 0;
        Connection connection = inbound ? Connection{Direction::In, connected ? reinterpret_cast<sockaddr*>(&peer) : nullptr,
                                                     connected ? peer_length : 0, port}
                                        : Connection{Direction::Out, reinterpret_cast<sockaddr*>(&peer), peer_length,
                                                     port_of(reinterpret_cast<sockaddr*>(&peer), peer_length)};
        SocketConfiguration configuration =
            choose_configuration(config, plans, connection, current_choices(socket, kernel, config.policy));
        if (configured) configured(socket, false, -1, 0);
        std::string refusals;
        uint8_t refused = apply_configuration(
            configuration,
            [socket](const SocketOption& option) {
                return setsockopt(socket, option.level, option.name, &option.value, sizeof option.value) == 0 ? 0
                                                                                                                : errno;
            },
            [&refusals](const SocketOption& option, int error) {
                MessageText line;
                describe_refusal(line, option, std::strerror(error));
                refusals += "\n" + std::string(line.view());
            });
        ++result.configured;
        if (configured) configured(socket, true, configuration.rule, pinned_options(configuration, refused));
        MessageText line;
        line.add("pid ").add_signed(pid).add(" fd ").add_signed(entry.fd).add(' ');
        describe_configured(line,
                            entry.listening ? "listening"
                            : inbound       ? "accepted from"
                                            : "connected to",
                            entry.listening ? nullptr : connection.peer, connection.peer_length, configuration.rule,
                            *configuration.plan, configuration.skip);
        say(std::string(line.view()) + refusals);
    }
    return result;
}

}  // namespace kashim
