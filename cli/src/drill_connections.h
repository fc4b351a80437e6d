// The connections kashim drill follows: the drilled group's ESTABLISHED TCP connections, found
// through /proc (each process's socket descriptors matched with its namespace's TCP table), and
// duplicates of them taken with pidfd_getfd, through which their end is read (connection_end.h).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "proc_net_tcp.h"
#include "unique_fd.h"

namespace kashim::cli {

struct GroupConnection {
    int pid = 0;
    int fd = 0;  // the process's own number for it
    TcpEntry tcp;
};

// Every ESTABLISHED TCP connection the processes hold, once per socket (the first holder's).
std::vector<GroupConnection> established_connections(const std::vector<int>& pids);

// The inodes of every socket the processes hold.
std::set<uint64_t> held_sockets(const std::vector<int>& pids);

// A duplicate of the connection's descriptor, if it still is the same socket; else an empty one
// with `problem` saying why.
UniqueFd duplicate_connection(const GroupConnection& connection, std::string& problem);

// Closes a duplicate without a FIN to retransmit: SO_LINGER 0 makes the close one reset (which
// the cut drops), so nothing of the drilled connection reaches the peer afterwards.
void close_quietly(UniqueFd& socket);

}  // namespace kashim::cli
