#include "metrics_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <list>
#include <vector>

#include "diagnostics.h"

namespace kashim::cli {
namespace {

using Clock = std::chrono::steady_clock;

bool all_digits(std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

bool parse_port(std::string_view text, uint16_t& port) {
    if (!all_digits(text) || text.size() > 5) return false;
    unsigned long value = std::stoul(std::string(text));
    if (value > 65535) return false;
    port = static_cast<uint16_t>(value);
    return true;
}

bool numeric_address(bool ipv6, const std::string& host) {
    unsigned char bytes[sizeof(in6_addr)];
    return inet_pton(ipv6 ? AF_INET6 : AF_INET, host.c_str(), bytes) == 1;
}

// RFC 9110's token: a method, a header's name.
bool is_token(std::string_view text) {
    static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
    if (text.empty()) return false;
    for (char c : text)
        if (!std::isalnum(static_cast<unsigned char>(c)) && extra.find(c) == std::string_view::npos) return false;
    return true;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// The head's lines, without their CR LF or LF, up to the blank line.
std::vector<std::string_view> head_lines(std::string_view head) {
    std::vector<std::string_view> lines;
    while (!head.empty()) {
        size_t end = head.find('\n');
        std::string_view line = head.substr(0, end);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) break;
        lines.push_back(line);
        if (end == std::string_view::npos) break;
        head.remove_prefix(end + 1);
    }
    return lines;
}

// The path of a request target: origin form (/metrics?x), or absolute form (http://host/metrics).
std::string_view target_path(std::string_view target) {
    for (std::string_view scheme : {"http://", "https://"}) {
        if (target.size() < scheme.size() || !equal_ignoring_case(target.substr(0, scheme.size()), scheme)) continue;
        target.remove_prefix(scheme.size());
        size_t slash = target.find('/');
        target = slash == std::string_view::npos ? "/" : target.substr(slash);
        break;
    }
    return target.substr(0, target.find('?'));
}

std::string_view reason_phrase(int status) {
    switch (status) {
        case 200: return "OK";
        case 400: return "Bad Request";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 413: return "Content Too Large";
        case 431: return "Request Header Fields Too Large";
        case 503: return "Service Unavailable";
        case 505: return "HTTP Version Not Supported";
    }
    return "Error";
}

std::string response(int status, std::string_view content_type, std::string_view body, bool head_only,
                     std::string_view extra_headers) {
    std::string text = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase(status)) +
                       "\r\nContent-Type: " + std::string(content_type) +
                       "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n" +
                       std::string(extra_headers) + "\r\n";
    if (!head_only) text += body;
    return text;
}

}  // namespace

std::string ListenAddress::text() const {
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool parse_listen_address(std::string_view text, ListenAddress& address, std::string& error) {
    address = {false, "127.0.0.1", 0};
    std::string_view port = text;
    if (!text.empty() && text.front() == '[') {
        size_t close = text.find("]:");
        if (close == std::string_view::npos) {
            error = "--listen '" + std::string(text) + "': an IPv6 address takes a port after its brackets: [::1]:9977";
            return false;
        }
        address.ipv6 = true;
        address.host = std::string(text.substr(1, close - 1));
        port = text.substr(close + 2);
    } else if (size_t colon = text.rfind(':'); colon != std::string_view::npos) {
        if (text.find(':') != colon) {
            error = "--listen '" + std::string(text) + "': write an IPv6 address in brackets: [::1]:9977";
            return false;
        }
        if (colon > 0) address.host = std::string(text.substr(0, colon));
        if (address.host == "localhost") address.host = "127.0.0.1";
        port = text.substr(colon + 1);
    }
    if (!numeric_address(address.ipv6, address.host)) {
        error = "--listen '" + std::string(text) + "': '" + address.host + "' is not a numeric IP" +
                (address.ipv6 ? "v6" : "v4") + " address";
        return false;
    }
    if (!parse_port(port, address.port)) {
        error = "--listen '" + std::string(text) + "': the port must be a number from 0 to 65535: PORT, ADDRESS:PORT or [IPV6]:PORT";
        return false;
    }
    return true;
}

size_t request_head_length(std::string_view received) {
    size_t crlf = received.find("\r\n\r\n"), lf = received.find("\n\n");
    if (crlf == std::string_view::npos && lf == std::string_view::npos) return 0;
    if (lf == std::string_view::npos || (crlf != std::string_view::npos && crlf < lf)) return crlf + 4;
    return lf + 2;
}

std::string http_status_response(int status, std::string_view body, bool head_only, std::string_view extra_headers) {
    return response(status, "text/plain; charset=utf-8", std::string(body) + "\n", head_only, extra_headers);
}

std::string http_response(std::string_view head, const MetricsSource& metrics) {
    std::vector<std::string_view> lines = head_lines(head);
    if (lines.empty()) return http_status_response(400, "no request line");
    // METHOD SP TARGET SP HTTP/x.y, single spaces.
    std::string_view request_line = lines[0];
    size_t first = request_line.find(' '), second = request_line.find(' ', first + 1);
    if (first == std::string_view::npos || second == std::string_view::npos ||
        request_line.find(' ', second + 1) != std::string_view::npos)
        return http_status_response(400, "malformed request line");
    std::string_view method = request_line.substr(0, first);
    std::string_view target = request_line.substr(first + 1, second - first - 1);
    std::string_view version = request_line.substr(second + 1);
    bool target_ok = !target.empty();
    for (char c : target)
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) target_ok = false;
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    bool version_ok = version.size() == 8 && version.substr(0, 5) == "HTTP/" && digit(version[5]) &&
                      version[6] == '.' && digit(version[7]);
    if (!is_token(method) || !target_ok || !version_ok) return http_status_response(400, "malformed request line");
    bool head_only = method == "HEAD";
    if (version[5] != '1') return http_status_response(505, "HTTP/1.0 and HTTP/1.1 only", head_only);

    int hosts = 0;
    bool body = false;
    for (size_t i = 1; i < lines.size(); ++i) {
        std::string_view line = lines[i];
        size_t colon = line.find(':');
        // No obsolete line folding, no space before the colon (RFC 9112, 5.1 and 5.2).
        if (colon == std::string_view::npos || !is_token(line.substr(0, colon)))
            return http_status_response(400, "malformed header line", head_only);
        std::string_view name = line.substr(0, colon), value = trimmed(line.substr(colon + 1));
        if (equal_ignoring_case(name, "Host")) ++hosts;
        if (equal_ignoring_case(name, "Transfer-Encoding") ||
            (equal_ignoring_case(name, "Content-Length") && value.find_first_not_of('0') != std::string_view::npos))
            body = true;
    }
    if (version == "HTTP/1.1" && hosts != 1)
        return http_status_response(400, "an HTTP/1.1 request has one Host header", head_only);

    if (target_path(target) != "/metrics") return http_status_response(404, "kashim serves /metrics only", head_only);
    if (method != "GET" && !head_only)
        return http_status_response(405, "GET or HEAD only", false, "Allow: GET, HEAD\r\n");
    if (body) return http_status_response(413, "a request for /metrics has no body", head_only);
    MetricsPage page = metrics();
    if (!page.ok) return http_status_response(503, page.text, head_only);
    return response(200, kMetricsContentType, page.text, head_only, {});
}

// ---------------------------------------------------------------------------------------------

namespace {

struct Client {
    int fd;
    enum { reading, writing, lingering } state = reading;
    Clock::time_point deadline;
    std::string received, answer;
    size_t sent = 0;
};

void start_answer(Client& client, std::string answer, const HttpLimits& limits) {
    client.answer = std::move(answer);
    client.state = Client::writing;
    client.deadline = Clock::now() + limits.request_time;
}

// What a readable client sent; false when it is done with (closed or failed).
bool on_readable(Client& client, const HttpLimits& limits, const MetricsSource& metrics) {
    char buffer[4096];
    ssize_t got = recv(client.fd, buffer, sizeof buffer, 0);
    if (got < 0) return errno == EAGAIN || errno == EINTR;
    if (client.state == Client::lingering) return got > 0;  // drained until the client closes
    if (got == 0) {
        if (client.received.empty()) return false;
        start_answer(client, http_status_response(400, "incomplete request"), limits);
        return true;
    }
    client.received.append(buffer, static_cast<size_t>(got));
    size_t length = request_head_length(client.received);
    if (length > limits.head_bytes || (length == 0 && client.received.size() > limits.head_bytes))
        start_answer(client, http_status_response(431, "the request head is over " + std::to_string(limits.head_bytes) +
                                                           " bytes"), limits);
    else if (length > 0)
        start_answer(client, http_response(std::string_view(client.received).substr(0, length), metrics), limits);
    return true;
}

// Sends what is left of the answer; then lingers, the write side shut, for the client to read it
// (closing with unread data would reset the connection and could lose the answer).
bool on_writable(Client& client, const HttpLimits& limits) {
    ssize_t put = send(client.fd, client.answer.data() + client.sent, client.answer.size() - client.sent, MSG_NOSIGNAL);
    if (put < 0) return errno == EAGAIN || errno == EINTR;
    client.sent += static_cast<size_t>(put);
    if (client.sent < client.answer.size()) return true;
    shutdown(client.fd, SHUT_WR);
    client.state = Client::lingering;
    client.deadline = Clock::now() + limits.linger_time;
    return true;
}

}  // namespace

MetricsServer::~MetricsServer() {
    if (listener_ >= 0) close(listener_);
}

std::string MetricsServer::listen(const ListenAddress& address) {
    sockaddr_storage storage{};
    socklen_t length;
    if (address.ipv6) {
        auto* ipv6 = reinterpret_cast<sockaddr_in6*>(&storage);
        ipv6->sin6_family = AF_INET6;
        ipv6->sin6_port = htons(address.port);
        inet_pton(AF_INET6, address.host.c_str(), &ipv6->sin6_addr);
        length = sizeof *ipv6;
    } else {
        auto* ipv4 = reinterpret_cast<sockaddr_in*>(&storage);
        ipv4->sin_family = AF_INET;
        ipv4->sin_port = htons(address.port);
        inet_pton(AF_INET, address.host.c_str(), &ipv4->sin_addr);
        length = sizeof *ipv4;
    }
    listener_ = socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listener_ < 0) return std::string("cannot make a socket: ") + std::strerror(errno);
    int on = 1;
    setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(listener_, reinterpret_cast<sockaddr*>(&storage), length) != 0 || ::listen(listener_, 64) != 0)
        return "cannot listen on " + address.text() + ": " + std::strerror(errno);
    bound_ = address;
    if (getsockname(listener_, reinterpret_cast<sockaddr*>(&storage), &length) == 0)
        bound_.port = ntohs(address.ipv6 ? reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port
                                         : reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
    return {};
}

std::string MetricsServer::run(int stop_fd) {
    std::list<Client> clients;
    std::string problem;
    while (problem.empty()) {
        Clock::time_point now = Clock::now();
        int timeout = -1;
        std::vector<pollfd> polled{{stop_fd, POLLIN, 0}, {clients.size() < limits_.clients ? listener_ : -1, POLLIN, 0}};
        for (const Client& client : clients) {
            polled.push_back({client.fd, static_cast<short>(client.state == Client::writing ? POLLOUT : POLLIN), 0});
            auto left = std::chrono::ceil<std::chrono::milliseconds>(client.deadline - now).count();
            if (timeout < 0 || left < timeout) timeout = static_cast<int>(std::max<decltype(left)>(left, 0));
        }
        if (poll(polled.data(), polled.size(), timeout) < 0) {
            if (errno != EINTR) problem = std::string("poll: ") + std::strerror(errno);
            continue;
        }
        if (polled[0].revents != 0) break;
        now = Clock::now();
        size_t index = 2;
        for (auto client = clients.begin(); client != clients.end(); ++index) {
            short events = polled[index].revents;
            bool keep = true;
            if (events & (POLLIN | POLLHUP | POLLERR))
                keep = client->state == Client::writing ? on_writable(*client, limits_)
                                                        : on_readable(*client, limits_, metrics_);
            else if (events & POLLOUT)
                keep = on_writable(*client, limits_);
            if (keep && client->deadline <= now) {
                // Too slow: a client that sent part of a request is told so, as far as it reads.
                if (client->state == Client::reading && !client->received.empty()) {
                    std::string timeout_answer = http_status_response(408, "the request took too long");
                    (void)!send(client->fd, timeout_answer.data(), timeout_answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
                }
                keep = false;
            }
            if (keep) {
                ++client;
            } else {
                close(client->fd);
                client = clients.erase(client);
            }
        }
        if (polled[1].revents & POLLIN) {
            while (clients.size() < limits_.clients) {
                int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (fd < 0) break;  // EAGAIN, or a connection reset before it was taken
                clients.push_back({fd, Client::reading, Clock::now() + limits_.request_time, {}, {}, 0});
            }
        }
    }
    for (const Client& client : clients) close(client.fd);
    return problem;
}

int serve_metrics_until_signalled(const ListenAddress& address, MetricsSource metrics) {
    // Blocked before anything else, so one that arrives early waits for the signalfd.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigprocmask(SIG_BLOCK, &stop, nullptr);
    int stop_fd = signalfd(-1, &stop, SFD_CLOEXEC);
    if (stop_fd < 0) return fail(std::string("stats: signalfd: ") + std::strerror(errno));
    MetricsServer server(std::move(metrics));
    std::string problem = server.listen(address);
    if (problem.empty()) {
        std::printf("serving http://%s/metrics until SIGTERM or SIGINT\n", server.bound().text().c_str());
        std::fflush(stdout);
        problem = server.run(stop_fd);
    }
    close(stop_fd);
    if (!problem.empty()) return fail("stats: " + problem);
    return 0;
}

}  // namespace kashim::cli
