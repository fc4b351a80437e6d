#include "drill_connections.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "existing/open_connections.h"
#include "target_process.h"

namespace kashim::cli {
namespace {

constexpr int kTcpEstablished = 1;  // the kernel's TCP_ESTABLISHED (include/net/tcp_states.h)

}  // namespace

std::vector<GroupConnection> established_connections(const std::vector<int>& pids) {
    std::vector<GroupConnection> connections;
    std::set<uint64_t> seen;
    for (int pid : pids) {
        std::string problem;
        std::map<int, uint64_t> sockets = socket_descriptors(pid, problem);
        if (sockets.empty()) continue;
        std::map<uint64_t, TcpEntry> table = tcp_table(pid);
        for (const auto& [fd, inode] : sockets) {
            auto entry = table.find(inode);
            if (entry == table.end() || entry->second.state != kTcpEstablished) continue;
            if (seen.insert(inode).second) connections.push_back({pid, fd, entry->second});
        }
    }
    return connections;
}

std::set<uint64_t> held_sockets(const std::vector<int>& pids) {
    std::set<uint64_t> inodes;
    for (int pid : pids) {
        std::string problem;
        for (const auto& [fd, inode] : socket_descriptors(pid, problem)) inodes.insert(inode);
    }
    return inodes;
}

UniqueFd duplicate_connection(const GroupConnection& connection, std::string& problem) {
    UniqueFd process = open_process(connection.pid);
    if (!process) {
        problem = std::string("pidfd_open: ") + std::strerror(errno);
        return {};
    }
    UniqueFd socket = take_descriptor(process.get(), connection.fd);
    if (!socket) {
        problem = std::string("pidfd_getfd: ") + std::strerror(errno);
        return {};
    }
    struct stat status {};
    if (fstat(socket.get(), &status) != 0 || status.st_ino != connection.tcp.inode) {
        problem = "closed since it was listed";
        return {};
    }
    return socket;
}

void close_quietly(UniqueFd& socket) {
    linger abort{1, 0};
    setsockopt(socket.get(), SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    socket.reset();
}

}  // namespace kashim::cli
