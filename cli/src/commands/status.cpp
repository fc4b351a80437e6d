#include "commands/status.h"

#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "cgroup_mode.h"
#include "core/duration.h"
#include "existing/open_connections.h"
#include "library_location.h"
#include "target_process.h"

namespace kashim::cli {
namespace {

std::string proc_path(int pid, std::string_view entry) { return "/proc/" + std::to_string(pid) + "/" + std::string(entry); }

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return std::nullopt;
    std::ostringstream text;
    text << file.rdbuf();
    if (file.bad()) return std::nullopt;
    return text.str();
}

std::vector<std::string_view> split_lines(std::string_view text, char separator) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = std::min(text.find(separator, start), text.size());
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

std::string_view base_name(std::string_view path) {
    size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The path of `library_file_name` in a /proc/PID/maps text, if it is mapped.
std::optional<std::string> mapped_library(std::string_view maps, std::string_view library_file_name) {
    for (std::string_view line : split_lines(maps, '\n')) {
        size_t path_start = line.find('/');
        if (path_start == std::string_view::npos) continue;
        std::string_view path = line.substr(path_start);
        if (base_name(path) == library_file_name) return std::string(path);
    }
    return std::nullopt;
}

std::vector<std::string> relevant_environment(std::string_view environ_text) {
    std::vector<std::string> settings;
    for (std::string_view entry : split_lines(environ_text, '\0'))
        if (entry.substr(0, 3) == "KA_" || entry.substr(0, 11) == "LD_PRELOAD=") settings.emplace_back(entry);
    return settings;
}

int int_option(int socket, int level, int name) {
    int value = 0;
    socklen_t length = sizeof value;
    return getsockopt(socket, level, name, &value, &length) == 0 ? value : 0;
}

// The exact values, if `fd` still is the socket `inode` (it may have been closed and reused).
std::optional<KeepaliveOptions> exact_options(const UniqueFd& process, int fd, uint64_t inode, int& error) {
    UniqueFd duplicate = take_descriptor(process.get(), fd);  // only a copy: the process's socket stays as it was
    if (!duplicate) {
        error = errno;
        return std::nullopt;
    }
    int copy = duplicate.get();
    std::optional<KeepaliveOptions> options;
    struct stat status;
    if (fstat(copy, &status) == 0 && status.st_ino == inode) {
        options = KeepaliveOptions{int_option(copy, SOL_SOCKET, SO_KEEPALIVE) != 0,
                                   int_option(copy, IPPROTO_TCP, TCP_KEEPIDLE),
                                   int_option(copy, IPPROTO_TCP, TCP_KEEPINTVL),
                                   int_option(copy, IPPROTO_TCP, TCP_KEEPCNT),
                                   static_cast<unsigned>(int_option(copy, IPPROTO_TCP, TCP_USER_TIMEOUT))};
    }
    return options;
}

std::string trimmed_line(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

// "on" / "off" from getsockopt; from /proc only a pending keepalive timer proves it on, and an
// established connection with no timer at all proves it off.
std::string keepalive_state(const SocketStatus& socket) {
    if (socket.exact) return socket.exact->keepalive ? "on" : "off";
    if (socket.tcp.timer == TcpTimer::Keepalive) return "on";
    if (socket.tcp.state == TCP_ESTABLISHED && socket.tcp.timer == TcpTimer::None) return "off";
    return "?";
}

std::string format_table(const std::vector<std::vector<std::string>>& rows, std::string_view indent) {
    std::vector<size_t> widths;
    for (const auto& row : rows) {
        widths.resize(std::max(widths.size(), row.size()));
        for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    }
    std::string text;
    for (const auto& row : rows) {
        std::string line(indent);
        for (size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
        }
        text += line + "\n";
    }
    return text;
}

}  // namespace

ProcessStatus examine_process(int pid, bool passive, std::string_view library_file_name) {
    ProcessStatus status;
    status.pid = pid;
    std::optional<std::string> command = read_file(proc_path(pid, "comm"));
    if (!command) {
        status.problem = "no such process";
        return status;
    }
    status.command = trimmed_line(*command);
    if (std::optional<std::string> maps = read_file(proc_path(pid, "maps")))
        status.library = mapped_library(*maps, library_file_name);
    if (std::optional<std::string> environment = read_file(proc_path(pid, "environ")))
        status.settings = relevant_environment(*environment);

    std::map<int, uint64_t> fds = socket_descriptors(pid, status.problem);
    if (!status.problem.empty()) return status;
    std::map<uint64_t, TcpEntry> table = tcp_table(pid);

    UniqueFd process = passive ? UniqueFd() : open_process(pid);
    if (passive) status.exact_unavailable = "--passive";
    else if (!process) status.exact_unavailable = std::string("pidfd_open: ") + std::strerror(errno);
    for (auto [fd, inode] : fds) {
        auto tcp = table.find(inode);
        if (tcp == table.end()) continue;
        SocketStatus socket{fd, tcp->second, std::nullopt};
        if (process) {
            int error = 0;
            socket.exact = exact_options(process, fd, inode, error);
            if (error != 0) status.exact_unavailable = std::string("pidfd_getfd: ") + std::strerror(error);
        }
        status.sockets.push_back(socket);
    }
    return status;
}

std::vector<int> processes_using(std::string_view library_file_name) {
    std::vector<int> pids;
    DIR* proc = opendir("/proc");
    if (proc == nullptr) return pids;
    int own_pid = getpid();
    while (dirent* entry = readdir(proc)) {
        ParsedNumber pid = parse_count(entry->d_name);
        if (pid.error != NumberError::None || static_cast<int>(pid.value) == own_pid) continue;
        std::optional<std::string> maps = read_file(proc_path(static_cast<int>(pid.value), "maps"));
        if (maps && mapped_library(*maps, library_file_name)) pids.push_back(static_cast<int>(pid.value));
    }
    closedir(proc);
    std::sort(pids.begin(), pids.end());
    return pids;
}

std::string format_status(const ProcessStatus& status, long ticks_per_second) {
    std::string text = "PID " + std::to_string(status.pid);
    if (!status.command.empty()) text += " (" + status.command + ")";
    if (!status.problem.empty()) return text + ": " + status.problem + "\n";
    text += status.library ? ": kashim loaded from " + *status.library : ": kashim not loaded";
    text += "\n  environment:";
    if (!status.settings) text += " (not readable)";
    else if (status.settings->empty()) text += " no KA_* settings, no LD_PRELOAD";
    for (const std::string& setting : status.settings.value_or(std::vector<std::string>{})) text += " " + setting;
    text += "\n";
    if (!status.attached_group.empty())
        text += "  cgroup mode: kashim is attached to " + status.attached_group + ", which holds this process\n";
    if (status.sockets.empty()) return text + "  no TCP sockets\n";
    if (!status.exact_unavailable.empty())
        text += "  keepalive values from /proc only (" + status.exact_unavailable +
                "); root or the right to ptrace the process shows exact ones\n";

    auto or_dash = [&](const SocketStatus& socket, auto value) {
        return socket.exact ? value(*socket.exact) : std::string("-");
    };
    std::vector<std::vector<std::string>> rows = {
        {"FD", "STATE", "LOCAL", "REMOTE", "KEEPALIVE", "IDLE", "INTVL", "CNT", "USER_TIMEOUT", "TIMER"}};
    for (const SocketStatus& socket : status.sockets) {
        rows.push_back({std::to_string(socket.fd), std::string(tcp_state_name(socket.tcp.state)),
                        address_text(socket.tcp.local), address_text(socket.tcp.remote), keepalive_state(socket),
                        or_dash(socket, [](const KeepaliveOptions& o) { return std::to_string(o.idle_s) + "s"; }),
                        or_dash(socket, [](const KeepaliveOptions& o) { return std::to_string(o.intvl_s) + "s"; }),
                        or_dash(socket, [](const KeepaliveOptions& o) { return std::to_string(o.cnt); }),
                        or_dash(socket,
                                [](const KeepaliveOptions& o) {
                                    return o.user_timeout_ms == 0 ? std::string("kernel")
                                                                  : std::to_string(o.user_timeout_ms) + "ms";
                                }),
                        describe_timer(socket.tcp, ticks_per_second)});
    }
    return text + format_table(rows, "  ");
}

Parsed<StatusOptions> parse_status_options(const Arguments& args) {
    Parsed<StatusOptions> parsed;
    StatusOptions& options = parsed.options;
    read_arguments(args, parsed, [&](std::string_view arg, Cursor&) {
        if (arg == "--passive") {
            options.passive = true;
            return true;
        }
        return take_process_id(arg, "status", options.pids, parsed.error);
    });
    return parsed;
}

namespace {

std::string status_help() {
    return subcommand_help(
        kStatusCommand,
        {"The TCP sockets of each PID (default: every process with libkashim.so loaded):\n"
         "whether keepalive is on, its values, and the timer the kernel has pending.\n"
         "Exact values come from a duplicate of each socket, which needs root or the\n"
         "right to ptrace the process; the process's own sockets stay as they are.\n",
         "  --passive       read /proc only, never duplicate a socket\n",
         "0; 1 when a process could not be examined or, without PIDs, when\n"
         "no process has libkashim.so loaded; 2 usage error.",
         "STATUS"});
}

// One report per process; exit status 1 when one could not be examined, or none was found.
int show_status(const StatusOptions& options) {
    const std::string& library_file = built_layout().file_name;
    std::vector<int> pids = options.pids.empty() ? processes_using(library_file) : options.pids;
    if (pids.empty()) {
        std::printf("no running process has %s loaded\n", library_file.c_str());
        return 1;
    }
    long ticks_per_second = sysconf(_SC_CLK_TCK);
    int exit_status = 0;
    for (int pid : pids) {
        ProcessStatus status = examine_process(pid, options.passive, library_file);
        status.attached_group = attached_group_of(pid);
        if (!status.problem.empty()) exit_status = 1;
        std::fputs(format_status(status, ticks_per_second).c_str(), stdout);
    }
    return exit_status;
}

}  // namespace

const Subcommand kStatusCommand{
    "status", "status [--passive] [PID...]", "the keepalive state of running processes' TCP connections",
    [](const Arguments& args) { return answer(parse_status_options(args), status_help, show_status); }};

}  // namespace kashim::cli
