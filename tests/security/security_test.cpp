// Security: under secure execution (a setuid or setgid program) the environment is
// ignored and only the built-in config file is read; the log file is opened append-only,
// close-on-exec, never through a symlink, never created readable by others; and kashim never
// writes to stdout. Each property is shown beside a run in which it would visibly not hold.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "harness/child.h"
#include "harness/unique_fd.h"

namespace {

using robustness::ChildOptions;
using robustness::ChildResult;
using robustness::TempDir;

ChildResult probe(const std::vector<std::string>& args, std::map<std::string, std::string> env, bool with_shim,
                  int umask_value = -1, bool close_stderr = false) {
    ChildOptions options;
    options.argv = {SECURITY_PROBE};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.env = std::move(env);
    if (with_shim) options.preload = {robustness::shim_library()};
    options.umask = umask_value;
    options.close_stderr = close_stderr;
    ChildResult result = robustness::run_child(options);
    EXPECT_EQ(result.exit_code, 0) << result.describe();
    return result;
}

std::vector<std::string> values_of(const std::string& output, const std::string& key) {
    std::vector<std::string> values;
    std::istringstream words(output);
    std::string word;
    while (words >> word)
        if (word.rfind(key + "=", 0) == 0) values.push_back(word.substr(key.size() + 1));
    return values;
}

std::string value_of(const std::string& output, const std::string& key) {
    std::vector<std::string> values = values_of(output, key);
    return values.empty() ? "(none)" : values.front();
}

bool exists(const std::string& path) {
    struct stat about;
    return lstat(path.c_str(), &about) == 0;
}

TEST(LogFile, OpenedWriteOnlyAppendingAndCloseOnExec) {
    TempDir dir;
    std::string log = dir / "kashim.log";
    robustness::write_file(log, "the operator's earlier lines\n", 0600);
    std::map<std::string, std::string> env = {{"KA_LOG", "debug"}, {"KA_LOG_FILE", log}};
    ChildResult shimmed = probe({"log-facts", log}, env, true);

    std::vector<std::string> log_fds = values_of(shimmed.out, "log-fd");
    ASSERT_EQ(log_fds.size(), 1u) << shimmed.out;
    unsigned long flags = std::stoul(value_of(shimmed.out, "flags"), nullptr, 8);
    EXPECT_EQ(flags & O_ACCMODE, static_cast<unsigned long>(O_WRONLY)) << std::oct << flags;
    EXPECT_NE(flags & O_APPEND, 0u) << std::oct << flags;
    EXPECT_NE(flags & O_CLOEXEC, 0u) << std::oct << flags;
    // After exec only the program's own descriptor (opened without O_CLOEXEC) is still there:
    // that one is the control showing an inherited descriptor would be seen.
    EXPECT_EQ(values_of(shimmed.out, "inherited-fd"), std::vector<std::string>{value_of(shimmed.out, "control-fd")})
        << shimmed.out;
    EXPECT_NE(shimmed.out.find("listed"), std::string::npos) << shimmed.out;

    std::string text = robustness::read_file(log);
    EXPECT_EQ(text.rfind("the operator's earlier lines\nkashim: ", 0), 0u) << text;  // appended, not rewritten
    EXPECT_TRUE(std::regex_search(text, std::regex("\nkashim: fd [0-9]+ socket: set SO_KEEPALIVE=1"))) << text;
    EXPECT_EQ(shimmed.err, "");  // everything went to the file

    ChildResult control = probe({"log-facts", log}, env, false);
    EXPECT_TRUE(values_of(control.out, "log-fd").empty());
    EXPECT_EQ(robustness::read_file(log), text);
}

TEST(LogFile, ASymlinkIsNeverFollowedNorADanglingOneCreated) {
    TempDir dir;
    std::string target = dir / "target.log", link = dir / "link.log";
    robustness::write_file(target, "not kashim's\n", 0600);
    ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
    ChildResult shimmed = probe({"chatty"}, {{"KA_LOG", "debug"}, {"KA_LOG_FILE", link}}, true);
    EXPECT_EQ(shimmed.err.substr(0, shimmed.err.find('\n') + 1),
              "kashim: cannot open KA_LOG_FILE=\"" + link + "\": Too many levels of symbolic links; logging to stderr\n");
    EXPECT_EQ(robustness::read_file(target), "not kashim's\n");

    std::string absent = dir / "absent.log", dangling = dir / "dangling.log";
    ASSERT_EQ(symlink(absent.c_str(), dangling.c_str()), 0);
    probe({"chatty"}, {{"KA_LOG", "debug"}, {"KA_LOG_FILE", dangling}}, true);
    EXPECT_FALSE(exists(absent)) << "a file was created through the dangling symlink";

    // The control: named directly, the same file does receive kashim's lines.
    probe({"chatty"}, {{"KA_LOG", "debug"}, {"KA_LOG_FILE", target}}, true);
    EXPECT_NE(robustness::read_file(target).find("\nkashim: fd "), std::string::npos);
}

TEST(LogFile, CreatedReadableByItsOwnerAloneWhateverTheUmask) {
    TempDir dir;
    std::string log = dir / "new.log";
    probe({"chatty"}, {{"KA_LOG", "debug"}, {"KA_LOG_FILE", log}}, true, 0);
    struct stat about {};
    ASSERT_EQ(stat(log.c_str(), &about), 0);
    EXPECT_EQ(about.st_mode & 07777, 0600u) << std::oct << about.st_mode;
    EXPECT_GT(about.st_size, 0);

    // The control: under the same umask an ordinary program's new file is readable by anyone.
    std::string own = dir / "own.log";
    probe({"own-file", own}, {}, true, 0);
    ASSERT_EQ(stat(own.c_str(), &about), 0);
    EXPECT_EQ(about.st_mode & 07777, 0666u) << std::oct << about.st_mode;
}

const std::map<std::string, std::string> kNoisy = {
    {"KA_LOG", "debug"}, {"KA_IDLE", "junk"}, {"KA_BOGUS", "1"}, {"KA_RULES", "dir=out idle=5; port=0 idle=1"}};

TEST(Stdout, KashimNeverWritesToStdout) {
    std::string own = probe({"chatty"}, {}, false).out;
    ChildResult shimmed = probe({"chatty"}, kNoisy, true);
    EXPECT_EQ(shimmed.out, own);
    // The control: kashim had plenty to say, and said it on stderr.
    EXPECT_GE(std::count(shimmed.err.begin(), shimmed.err.end(), '\n'), 10) << shimmed.err;
    EXPECT_EQ(shimmed.err.rfind("kashim: ", 0), 0u) << shimmed.err;
}

TEST(Stdout, NotEvenWhenTheProgramStartsWithoutStderr) {
    TempDir dir;
    std::string marker = dir / "marker";
    std::string own = probe({"chatty", marker}, {}, false).out;
    EXPECT_EQ(robustness::read_file(marker), "listener-keepalive=0\n");
    EXPECT_EQ(probe({"chatty", marker}, kNoisy, true, -1, true).out, own);
    // The control: kashim was loaded and at work in that run, only silent.
    EXPECT_EQ(robustness::read_file(marker), "listener-keepalive=1\n");
}

// Secure execution needs a setuid/setgid program started by another user, and kashim must be in
// it although ld.so ignores LD_PRELOAD paths there: /etc/ld.so.preload does it, as it would in
// production. Both /etc/ld.so.preload and the built-in config file are written into an overlay
// of /etc in a private mount namespace, so nothing outside the test's child ever sees them.
class SecureExecution : public ::testing::Test {
protected:
    void SetUp() override {
        if (geteuid() != 0) GTEST_SKIP() << "needs root (to make a setuid program, a mount namespace and an overlay of /etc)";
        passwd* nobody = getpwnam("nobody");
        if (nobody == nullptr) GTEST_SKIP() << "needs the user nobody";
        nobody_uid_ = nobody->pw_uid;
        nobody_gid_ = nobody->pw_gid;
        passwd* daemon = getpwnam("daemon");  // (the same static storage as nobody's)
        if (daemon == nullptr) GTEST_SKIP() << "needs the user daemon, to own the setuid program";
        std::string config_dir = std::string(KASHIM_SYSTEM_CONFIG_PATH).substr(0, std::string(KASHIM_SYSTEM_CONFIG_PATH).rfind('/'));
        overlaid_ = {"/etc"};
        if (config_dir != "/etc") overlaid_.push_back(config_dir);
        chmod(dir_.path().c_str(), 0755);
        mkdir((dir_ / "ovl").c_str(), 0755);
        mkdir((dir_ / "writable").c_str(), 0777);
        chmod((dir_ / "writable").c_str(), 0777);
        robustness::write_file(dir_ / "user.conf", "KA_IDLE=44\n", 0644);
        std::string probe_binary = robustness::read_file(SECURITY_PROBE);
        robustness::write_file(dir_ / "setuid_probe", probe_binary, 0755);
        robustness::write_file(dir_ / "setgid_probe", probe_binary, 0755);
        robustness::write_file(dir_ / "plain_probe", probe_binary, 0755);
        ASSERT_EQ(chown((dir_ / "setuid_probe").c_str(), daemon->pw_uid, 0), 0);
        ASSERT_EQ(chmod((dir_ / "setuid_probe").c_str(), 04755), 0);
        ASSERT_EQ(chown((dir_ / "setgid_probe").c_str(), 0, daemon->pw_gid), 0);
        ASSERT_EQ(chmod((dir_ / "setgid_probe").c_str(), 02755), 0);

        ChildResult check = run("/bin/true", "", false);
        if (check.exit_code == 90 || check.exit_code == 91 || check.exit_code == 92 || check.exit_code == 93)
            GTEST_SKIP() << "no private mount namespace with an overlay of /etc here (step " << check.exit_code - 90
                         << "): " << check.err;
        ASSERT_EQ(check.exit_code, 0) << check.describe();
    }

    // Runs `program` as nobody in a namespace whose /etc has kashim in ld.so.preload and
    // KA_IDLE=33 in the built-in config file, with an environment asking for something else.
    ChildResult run(const std::string& program, const std::string& log_name, bool as_nobody = true) {
        ChildOptions options;
        options.argv = {program};
        if (program != "/bin/true") options.argv.push_back("report");
        options.env = {{"KA_IDLE", "77"},
                       {"KA_CONFIG", dir_ / "user.conf"},
                       {"KA_LOG", "debug"},
                       {"KA_BOGUS", "1"},
                       {"KA_LOG_FILE", dir_ / ("writable/" + log_name)}};
        std::string preload = robustness::preload_value({robustness::shim_library()});
        for (char& c : preload)
            if (c == ':') c = ' ';
        options.before_exec = [this, preload, as_nobody] {
            if (unshare(CLONE_NEWNS) != 0) _exit(90);
            if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) _exit(91);
            std::string ovl = dir_ / "ovl";
            if (mount("tmpfs", ovl.c_str(), "tmpfs", 0, "mode=0755") != 0) _exit(92);
            for (size_t i = 0; i < overlaid_.size(); ++i) {
                std::string upper = ovl + "/upper" + std::to_string(i), work = ovl + "/work" + std::to_string(i);
                mkdir(upper.c_str(), 0755);
                mkdir(work.c_str(), 0755);
                std::string data = "lowerdir=" + overlaid_[i] + ",upperdir=" + upper + ",workdir=" + work;
                if (mount("overlay", overlaid_[i].c_str(), "overlay", 0, data.c_str()) != 0) _exit(93);
            }
            robustness::write_file("/etc/ld.so.preload", preload + "\n", 0644);
            robustness::write_file(KASHIM_SYSTEM_CONFIG_PATH, "KA_IDLE=33\n", 0644);
            if (!as_nobody) return;
            if (setgroups(0, nullptr) != 0 || setgid(nobody_gid_) != 0 || setuid(nobody_uid_) != 0) _exit(94);
        };
        return robustness::run_child(options);
    }

    TempDir dir_;
    std::vector<std::string> overlaid_;
    uid_t nobody_uid_ = 0;
    gid_t nobody_gid_ = 0;
};

TEST_F(SecureExecution, ASetuidProgramIgnoresTheEnvironmentAndReadsOnlyTheBuiltInConfig) {
    ChildResult secure = run(dir_ / "setuid_probe", "setuid.log");
    ASSERT_EQ(secure.exit_code, 0) << secure.describe();
    EXPECT_EQ(value_of(secure.out, "at_secure"), "1") << secure.out;
    EXPECT_EQ(value_of(secure.out, "euid"), std::to_string(getpwnam("daemon")->pw_uid));
    EXPECT_EQ(value_of(secure.out, "ka"), "1");
    EXPECT_EQ(value_of(secure.out, "idle"), "33");  // the built-in file's, not KA_IDLE's 77 nor KA_CONFIG's 44
    EXPECT_EQ(secure.err, "");                      // KA_LOG=debug and KA_BOGUS unheard
    EXPECT_FALSE(exists(dir_ / "writable/setuid.log")) << "KA_LOG_FILE from the environment was opened";

    // The control: the same program without the setuid bit, same user, same environment.
    ChildResult plain = run(dir_ / "plain_probe", "plain.log");
    ASSERT_EQ(plain.exit_code, 0) << plain.describe();
    EXPECT_EQ(value_of(plain.out, "at_secure"), "0");
    EXPECT_EQ(value_of(plain.out, "idle"), "77");
    std::string plain_log = robustness::read_file(dir_ / "writable/plain.log");
    EXPECT_NE(plain_log.find("kashim: unknown variable \"KA_BOGUS\" ignored"), std::string::npos) << plain_log;
}

TEST_F(SecureExecution, ASetgidProgramToo) {
    ChildResult secure = run(dir_ / "setgid_probe", "setgid.log");
    ASSERT_EQ(secure.exit_code, 0) << secure.describe();
    EXPECT_EQ(value_of(secure.out, "at_secure"), "1") << secure.out;
    EXPECT_EQ(value_of(secure.out, "egid"), std::to_string(getpwnam("daemon")->pw_gid));
    EXPECT_EQ(value_of(secure.out, "idle"), "33");
    EXPECT_EQ(secure.err, "");
    EXPECT_FALSE(exists(dir_ / "writable/setgid.log"));
}

// Through /etc/ld.so.preload, kashim is in every process, and most never asked for it: their
// stderr is theirs (cron mails it, scripts treat it as failure, tools parse it). A private mount
// namespace holds an /etc with kashim in ld.so.preload and a broken /etc/kashim.conf, and a /dev
// whose log is a datagram socket the test reads: the system log, as rsyslog or the journal has it.
class SystemWidePreload : public ::testing::Test {
protected:
    void SetUp() override {
        if (geteuid() != 0) GTEST_SKIP() << "needs root (a mount namespace with overlays of /etc and /dev)";
        chmod(dir_.path().c_str(), 0755);
        mkdir((dir_ / "ovl").c_str(), 0755);
        syslog_.reset(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::string path = dir_ / "log.sock";
        std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
        ASSERT_EQ(bind(syslog_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
        ChildResult check = run({}, "");
        if (check.exit_code >= 90 && check.exit_code <= 95)
            GTEST_SKIP() << "no private mount namespace with overlays of /etc and /dev here (step "
                         << check.exit_code - 90 << ")";
        ASSERT_EQ(check.exit_code, 0) << check.describe();
        received();  // what the check itself may have sent
    }

    // Runs the probe with kashim only in /etc/ld.so.preload and `config` as /etc/kashim.conf.
    ChildResult run(const std::map<std::string, std::string>& env, const std::string& config,
                    std::vector<std::string> probe_arguments = {"report"}) {
        ChildOptions options;
        options.argv = {SECURITY_PROBE};
        options.argv.insert(options.argv.end(), probe_arguments.begin(), probe_arguments.end());
        options.env = env;
        std::string preload = robustness::preload_value({robustness::shim_library()});
        for (char& c : preload)
            if (c == ':') c = ' ';
        std::string ovl = dir_ / "ovl", socket_path = dir_ / "log.sock";
        options.before_exec = [ovl, preload, config, socket_path] {
            if (unshare(CLONE_NEWNS) != 0) _exit(90);
            if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) _exit(91);
            if (mount("tmpfs", ovl.c_str(), "tmpfs", 0, "mode=0755") != 0) _exit(92);
            const char* overlaid[] = {"/etc", "/dev"};
            for (int i = 0; i < 2; ++i) {
                std::string upper = ovl + "/upper" + std::to_string(i), work = ovl + "/work" + std::to_string(i);
                mkdir(upper.c_str(), 0755);
                mkdir(work.c_str(), 0755);
                std::string data = std::string("lowerdir=") + overlaid[i] + ",upperdir=" + upper + ",workdir=" + work;
                if (mount("overlay", overlaid[i], "overlay", 0, data.c_str()) != 0) _exit(93);
            }
            unlink("/dev/log");
            if (symlink(socket_path.c_str(), "/dev/log") != 0) _exit(94);
            robustness::write_file("/etc/ld.so.preload", preload + "\n", 0644);
            robustness::write_file(KASHIM_SYSTEM_CONFIG_PATH, config, 0644);
        };
        return robustness::run_child(options);
    }

    // The datagrams the system log got since the last call.
    std::vector<std::string> received() {
        std::vector<std::string> lines;
        char buffer[2048];
        for (ssize_t got; (got = recv(syslog_.get(), buffer, sizeof buffer, MSG_DONTWAIT)) > 0;)
            lines.emplace_back(buffer, static_cast<size_t>(got));
        return lines;
    }

    TempDir dir_;
    harness::UniqueFd syslog_;
};

const std::string kBrokenConfig = "KA_IDLE=20\nKA_CNT=banana\n";
const std::string kBanana = "kashim: " KASHIM_SYSTEM_CONFIG_PATH ":2: KA_CNT=\"banana\" is not a whole number; use 1 to 127";

TEST_F(SystemWidePreload, ABrokenConfigGoesToTheSystemLogNeverToTheProgramsStderr) {
    ChildResult quiet = run({}, kBrokenConfig);
    ASSERT_EQ(quiet.exit_code, 0) << quiet.describe();
    EXPECT_EQ(value_of(quiet.out, "idle"), "20");  // kashim is there, and the good line applies
    EXPECT_EQ(quiet.err, "");
    std::vector<std::string> logged = received();
    ASSERT_EQ(logged.size(), 1u);
    EXPECT_TRUE(std::regex_match(logged[0], std::regex("<12>kashim_security_probe\\[[0-9]+\\]: (.*)")) &&
                logged[0].find(kBanana) != std::string::npos)
        << logged[0];
    // The control: a program whose environment asked for kashim hears the same line on stderr.
    ChildResult asked = run({{"KA_INTVL", "7"}}, kBrokenConfig);
    EXPECT_EQ(asked.err, kBanana + "\n");
    EXPECT_TRUE(received().empty());
}

// Most processes of a machine never make a socket; reading and parsing the settings waits for
// the first one, so they pay nothing for it, whether or not their environment holds one.
TEST_F(SystemWidePreload, AProgramThatMakesNoSocketNeverReadsTheConfigFile) {
    ChildResult quiet = run({}, kBrokenConfig, {"no-socket"});
    ASSERT_EQ(quiet.exit_code, 0) << quiet.describe();
    EXPECT_EQ(quiet.out, "no socket made\n");
    EXPECT_EQ(quiet.err, "");
    EXPECT_TRUE(received().empty());
    // The control: the same file is read, and its mistake logged, at the first socket.
    ChildResult socket_made = run({}, kBrokenConfig);
    EXPECT_EQ(value_of(socket_made.out, "idle"), "20");
    EXPECT_EQ(received().size(), 1u);
    // And where the environment holds a setting too (the control for that case, a socket made
    // and the line on stderr, is ABrokenConfigGoesToTheSystemLogNeverToTheProgramsStderr).
    ChildResult asked = run({{"KA_INTVL", "7"}}, kBrokenConfig, {"no-socket"});
    EXPECT_EQ(asked.out, "no socket made\n");
    EXPECT_EQ(asked.err, "");
    EXPECT_TRUE(received().empty());
}

// Threads that make their first sockets at the same moment all wait for one load: none of their
// sockets slips through unconfigured while another thread reads the file.
TEST_F(SystemWidePreload, ThreadsRacingForTheFirstSocketAllGetTheSettings) {
    for (int round = 0; round < 5; ++round) {
        ChildResult raced = run({}, "KA_IDLE=20\n", {"threads", "16"});
        ASSERT_EQ(raced.exit_code, 0) << raced.describe();
        EXPECT_EQ(raced.out, "configured=16 of 16\n") << "round " << round;
    }
    // The control: without kashim, none is.
    ChildOptions bare;
    bare.argv = {SECURITY_PROBE, "threads", "16"};
    ChildResult control = robustness::run_child(bare);
    EXPECT_EQ(control.out, "configured=0 of 16\n");
}

TEST_F(SystemWidePreload, TheConfigFilesLogFileTakesTheLinesInstead) {
    mkdir((dir_ / "writable").c_str(), 0777);
    std::string log = dir_ / "writable/kashim.log";
    ChildResult quiet = run({}, "KA_LOG_FILE=" + log + "\n" + kBrokenConfig);
    ASSERT_EQ(quiet.exit_code, 0) << quiet.describe();
    EXPECT_EQ(quiet.err, "");
    EXPECT_TRUE(received().empty());
    EXPECT_NE(robustness::read_file(log).find("KA_CNT=\"banana\""), std::string::npos) << robustness::read_file(log);
}

}  // namespace
