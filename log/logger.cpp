#include "logger.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kashim {
namespace {

// Immutable after open_log().
LogLevel g_level = LogLevel::Warn;
int g_fd = STDERR_FILENO;
dev_t g_device = 0;
ino_t g_inode = 0;
bool g_identity_known = false;

bool same_file_as_at_load(int fd) {
    struct stat now;
    if (fstat(fd, &now) != 0) return false;
    return g_identity_known && now.st_dev == g_device && now.st_ino == g_inode;
}

void remember_identity(int fd) {
    struct stat at_load;
    g_identity_known = fstat(fd, &at_load) == 0;
    if (g_identity_known) {
        g_device = at_load.st_dev;
        g_inode = at_load.st_ino;
    }
}

}  // namespace

void open_log(const Config& config, LoadReport& report) {
    g_level = config.log_level;
    if (g_level != LogLevel::Off && config.log_file.size() != 0) {
        // Appending only, never through a symlink, never readable by others, not inherited.
        // O_NONBLOCK: a FIFO nobody reads must not hold the program at start, nor a full one
        // in a hook (a line is dropped instead; regular files ignore the flag).
        int fd = open(config.log_file.c_str(),
                      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0600);
        if (fd >= 0) {
            g_fd = fd;
        } else {
            report.add(LogLevel::Warn)
                .add("cannot open KA_LOG_FILE=")
                .add_quoted(config.log_file.view(), 256)
                .add(": ")
                .add(strerror(errno))
                .add("; logging to stderr");
        }
    }
    remember_identity(g_fd);
}

bool log_wanted(LogLevel level) { return level != LogLevel::Off && level <= g_level; }

void log_line(LogLevel level, MessageText& line) {
    if (!log_wanted(level) || !g_identity_known) return;
    int saved_errno = errno;
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

void log_settings_loaded(const LoadReport& report, const Config& config, const KernelKeepalive& kernel) {
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
