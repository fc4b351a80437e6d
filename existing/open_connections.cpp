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

// A socket's own choices, as far as the kernel shows them: keepalive on, and timers that are not
// the kernel's defaults.
uint8_t current_choices(const TakenSocket& socket, const KernelKeepalive& kernel) {
    int defaults[KASHIM_OPTION_COUNT] = {};
    defaults[KASHIM_OPTION_IDLE] = kernel.idle_s;
    defaults[KASHIM_OPTION_INTVL] = kernel.intvl_s;
    defaults[KASHIM_OPTION_CNT] = kernel.cnt;
    uint8_t set = 0;
    for (int index = 0; index < KASHIM_OPTION_COUNT; ++index) {
        int value = 0;
        bool read = socket.read_option(kashim_option_level(index), kashim_option_name(index), value);
        if (read && value != defaults[index]) set |= static_cast<uint8_t>(KASHIM_OPTION_BIT(index));
    }
    return set;
}

// One socket of the process's, for the core's configure_socket: its line goes to the caller with
// the refusals after it, and the caller learns of the outcome.
struct OpenSocket : TakenSocket {
    pid_t pid;
    int fd;  // the process's own number for it
    const ConfiguredLine& say;
    const ConfiguredSocket& marked;
    int& configured_count;
    std::string refusals;

    void refused(const SocketOption& option, int error) {
        MessageText line;
        describe_refusal(line, option, std::strerror(error));
        refusals += "\n" + std::string(line.view());
    }
    void configured(const SocketConfiguration& configuration, uint8_t pinned) const {
        ++configured_count;
        if (marked) marked(socket, true, configuration.rule, pinned);
    }
    bool wants_line() const { return true; }
    void start_line(MessageText& line) const { line.add("pid ").add_signed(pid).add(" fd ").add_signed(fd).add(' '); }
    void finish_line(MessageText& line) const { say(std::string(line.view()) + refusals); }
};

// One of the process's descriptors, as this process holds it.
struct TakenDescriptor {
    int fd;  // the process's own number for it
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
    std::vector<TakenDescriptor> taken;
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
        TakenSocket calls{socket.get()};
        int value = 0;
        if (!calls.read_option(IPPROTO_TCP, TCP_KEEPIDLE, value)) continue;  // not TCP
        bool listening = calls.read_option(SOL_SOCKET, SO_ACCEPTCONN, value) && value != 0;
        if (listening) listening_ports.insert(local_port(socket.get(), getsockname));
        taken.push_back({fd, std::move(socket), listening});
    }
    // As at listen(): a listener is configured only when no rule looks at an inbound peer; else
    // each accepted connection gets its own rule (and is configured here when already open).
    bool listeners_by_port = !rule_needs(config.rules).inbound_peer;
    for (TakenDescriptor& entry : taken) {
        if (entry.listening && !listeners_by_port) continue;
        int socket = entry.socket.get();
        sockaddr_storage peer{};
        socklen_t peer_length = sizeof peer;
        bool connected = getpeername(socket, reinterpret_cast<sockaddr*>(&peer), &peer_length) == 0;
        if (!entry.listening && !connected) continue;  // not yet connecting: nothing to decide by
        uint16_t port = local_port(socket, getsockname);
        bool inbound = entry.listening || listening_ports.count(port) != 0;
        Connection connection = inbound ? Connection{Direction::In, connected ? reinterpret_cast<sockaddr*>(&peer) : nullptr,
                                                     connected ? peer_length : 0, port}
                                        : Connection{Direction::Out, reinterpret_cast<sockaddr*>(&peer), peer_length,
                                                     port_of(reinterpret_cast<sockaddr*>(&peer), peer_length)};
        if (configured) configured(socket, false, -1, 0);
        OpenSocket open{{socket}, pid, entry.fd, say, configured, result.configured, {}};
        configure_socket(config, plans, connection, current_choices(open, kernel),
                         entry.listening ? "listening"
                         : inbound       ? "accepted from"
                                         : "connected to",
                         open);
    }
    return result;
}

}  // namespace kashim
