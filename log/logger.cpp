#include "logger.h"
#include "../core/load_path.h"
#include "written_at_load.h"
#include "../sources/file_status.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kashim {
namespace {

// Immutable after open_log().
LogLevel g_level = LogLevel::Warn;
KASHIM_WRITTEN_AT_LOAD bool g_to_syslog = false;
const char* g_tag = "kashim";
int g_fd = STDERR_FILENO;
KASHIM_WRITTEN_AT_LOAD FileIdentity g_identity;  // of g_fd when the log was opened

bool same_file_as_at_load(int fd) {
    FileIdentity now = identity_of(fd);
    return g_identity.known && now.known && now.device == g_identity.device && now.inode == g_identity.inode;
}

// One datagram to /dev/log (what rsyslog and the journal read), "<PRI>tag[pid]: line", through raw
// system calls: no hook of kashim's and no libc state involved, nothing allocated. No system log:
// the line is dropped, silently.
void send_to_syslog(LogLevel level, MessageText& line) {
    int severity = level == LogLevel::Error ? 3 : level == LogLevel::Warn ? 4 : level == LogLevel::Info ? 6 : 7;
    MessageText datagram;
    datagram.add('<').add_unsigned(static_cast<unsigned>(8 /* LOG_USER */ + severity)).add('>');
    datagram.add(g_tag).add('[').add_signed(static_cast<long>(getpid())).add("]: ").add(line.view());
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, "/dev/log", sizeof "/dev/log");
    long fd = syscall(SYS_socket, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return;
    syscall(SYS_sendto, fd, datagram.c_str(), datagram.size(), MSG_DONTWAIT | MSG_NOSIGNAL, &address,
            sizeof address);
    syscall(SYS_close, fd);
}

}  // namespace

FileIdentity identity_of(int fd) {
    struct stat status;
    if (file_status(fd, &status) != 0) return {};
    return {true, status.st_dev, status.st_ino};
}

KASHIM_LOAD_PATH void open_log(const Config& config, LoadReport& report, LogAudience audience) {
    g_level = config.log_level;
    g_to_syslog = !audience.program_asked;
    g_tag = audience.program;
    if (g_level != LogLevel::Off && config.log_file.size() != 0) {
        // Appending only, never through a symlink, never readable by others, not inherited.
        // O_NONBLOCK: a FIFO nobody reads must not hold the program at start, nor a full one
        // in a hook (a line is dropped instead; regular files ignore the flag).
        int fd = open(config.log_file.c_str(),
                      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0600);
        if (fd >= 0) {
            g_fd = fd;
            g_to_syslog = false;
            g_identity = identity_of(fd);
            return;
        }
        report.add(LogLevel::Warn)
            .add("cannot open KA_LOG_FILE=")
            .add_quoted(config.log_file.view(), 256)
            .add(": ")
            .add(strerror(errno))
            .add(g_to_syslog ? "; logging to the system log" : "; logging to stderr");
    }
    g_identity = audience.stderr_at_start != nullptr ? *audience.stderr_at_start : identity_of(STDERR_FILENO);
}

bool log_wanted(LogLevel level) { return level != LogLevel::Off && level <= g_level; }

void log_line(LogLevel level, MessageText& line) {
    if (!log_wanted(level)) return;
    int saved_errno = errno;
    if (g_to_syslog) {
        send_to_syslog(level, line);
        errno = saved_errno;
        return;
    }
    if (!g_identity.known) {
        errno = saved_errno;
        return;
    }
    line.add('\n');
    // Checking the number and then writing to it would leave a window in which another thread
    // closes it and gets a socket there, which would then receive the line. A duplicate taken
    // now keeps pointing at whatever the number held at this instant, so the check and the
    // write are about the same file. Numbers below 3 are left for the program's own reuse.
    int fd = fcntl(g_fd, F_DUPFD_CLOEXEC, 3);
    bool own_duplicate = fd >= 0;
    if (!own_duplicate && (errno == EMFILE || errno == EINVAL)) fd = g_fd;  // no number to spare
    if (fd >= 0 && same_file_as_at_load(fd)) {
        ssize_t ignored = write(fd, line.c_str(), line.size());
        (void)ignored;
    }
    if (own_duplicate) close(fd);
    errno = saved_errno;
}

KASHIM_LOAD_PATH void log_settings_loaded(const LoadReport& report, const Config& config, const KernelKeepalive& kernel) {
    for (size_t i = 0; i < report.count(); ++i) {
        MessageText line;
        line.add(report.text(i));
        log_line(report.level(i), line);
    }
    if (report.dropped() != 0) {
        MessageText line;
        line.add("kashim: ").add_unsigned(report.dropped()).add(" more problems in the settings not shown");
        log_line(LogLevel::Warn, line);
    }
    if (!log_wanted(LogLevel::Info)) return;
    MessageText active;
    active.add("kashim: ");
    describe_active(config, kernel, active);
    log_line(LogLevel::Info, active);
    for (size_t i = 0; i < config.rules.count; ++i) {
        MessageText line;
        line.add("kashim: rule ").add_unsigned(i + 1).add(": ");
        describe_rule(config.rules.rules[i], line);
        log_line(LogLevel::Info, line);
    }
}

}  // namespace kashim
