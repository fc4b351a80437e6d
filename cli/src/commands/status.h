// `kashim status [--passive] [PID...]`: for running processes, their TCP connections, whether
// keepalive is on and the timer the kernel has pending, so an operator can check a deployed service.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "command_line.h"
#include "commands/subcommands.h"
#include "proc_net_tcp.h"

namespace kashim::cli {

struct StatusOptions {
    std::vector<int> pids;  // empty: every process that has libkashim.so loaded
    bool passive = false;   // read /proc only, never duplicate a socket
};

Parsed<StatusOptions> parse_status_options(const Arguments& args);

extern const Subcommand kStatusCommand;

// The values getsockopt reports on a duplicate of the process's socket.
struct KeepaliveOptions {
    bool keepalive = false;
    int idle_s = 0;
    int intvl_s = 0;
    int cnt = 0;
    unsigned user_timeout_ms = 0;
};

struct SocketStatus {
    int fd = -1;
    TcpEntry tcp;
    std::optional<KeepaliveOptions> exact;  // empty: only /proc's view is known
};

struct ProcessStatus {
    int pid = 0;
    std::string command;
    std::string problem;                   // the process could not be examined at all
    std::optional<std::string> library;   // the libkashim.so mapped into it
    std::optional<std::vector<std::string>> settings;  // its KA_* and LD_PRELOAD; empty if unreadable
    std::string exact_unavailable;         // why getsockopt values are missing, if they are
    std::string attached_group;            // the group kashim's cgroup mode is attached to, if it is in one
    std::vector<SocketStatus> sockets;
};

// Reads /proc/PID and, unless `passive`, duplicates each TCP socket with pidfd_getfd to ask
// getsockopt for the exact values (root, or the right to ptrace the process, is needed).
ProcessStatus examine_process(int pid, bool passive, std::string_view library_file_name);

// Every other process that has `library_file_name` mapped.
std::vector<int> processes_using(std::string_view library_file_name);

// The report for one process; `ticks_per_second` is sysconf(_SC_CLK_TCK).
std::string format_status(const ProcessStatus& status, long ticks_per_second);

}  // namespace kashim::cli
