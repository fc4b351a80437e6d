// The smallest HTTP/1.1 server that answers a Prometheus scrape: `kashim stats --listen` serves
// GET /metrics, freshly rendered for each request, and nothing else. One thread, poll(2): a
// request head of at most 8 KiB must arrive within 5 s, the answer is written within 5 s, and the
// connection is closed after each response, so no client (slow, silent or malformed) holds the
// server for longer than that. The parsing and the responses are pure functions, tested alone.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace kashim::cli {

// Where --listen serves.
struct ListenAddress {
    bool ipv6 = false;
    std::string host;   // a numeric address: "127.0.0.1", "::1"
    uint16_t port = 0;  // 0: the kernel picks one (the line on stdout names it)

    std::string text() const;  // "127.0.0.1:9977", "[::1]:9977"
};

// "9977" and ":9977" are 127.0.0.1:9977 (loopback unless an address is given); "0.0.0.0:9977",
// "192.0.2.7:9977", "localhost:9977", "[::1]:9977", "[::]:9977". False, with `error`, otherwise
// (names are not looked up).
bool parse_listen_address(std::string_view text, ListenAddress& address, std::string& error);

// What answers GET /metrics: the page, or the problem that kept it from being read (a 503).
struct MetricsPage {
    bool ok = true;
    std::string text;
};
using MetricsSource = std::function<MetricsPage()>;

inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

struct HttpLimits {
    size_t head_bytes = 8192;  // request line and headers; more is answered 431
    std::chrono::milliseconds request_time{5000};  // to receive the head, and again to send the answer
    std::chrono::milliseconds linger_time{1000};   // to let the client read the answer before closing
    size_t clients = 32;  // served at once; more wait in the listen queue
};

// The length of the request head in `received`, through its blank line (CRLF CRLF, or LF LF), or
// 0 while it is incomplete.
size_t request_head_length(std::string_view received);

// The whole response (status line, headers, body) to a request head: 200 for GET or HEAD of
// /metrics (HEAD without the body), 404 for another path, 405 for another method, 400 for a
// malformed request, 413 for one with a body, 505 for an HTTP version other than 1.x. `metrics` is
// called for a 200 only.
std::string http_response(std::string_view head, const MetricsSource& metrics);

// A response with a short text body, "Connection: close" always.
std::string http_status_response(int status, std::string_view body, bool head_only = false,
                                 std::string_view extra_headers = {});

class MetricsServer {
public:
    explicit MetricsServer(MetricsSource metrics, HttpLimits limits = {})
        : metrics_(std::move(metrics)), limits_(limits) {}
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    // Binds and listens; the problem, or empty. `bound` then says where (the port the kernel chose).
    std::string listen(const ListenAddress& address);
    const ListenAddress& bound() const { return bound_; }

    // Serves until `stop_fd` is readable (a signalfd, a pipe); returns a problem, or empty.
    std::string run(int stop_fd);

private:
    MetricsSource metrics_;
    HttpLimits limits_;
    int listener_ = -1;
    ListenAddress bound_;
};

// Serves until SIGTERM or SIGINT, saying where on stdout: 0 then, 125 when it cannot listen.
int serve_metrics_until_signalled(const ListenAddress& address, MetricsSource metrics);

}  // namespace kashim::cli
