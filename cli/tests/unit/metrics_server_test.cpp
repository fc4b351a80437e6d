#include "metrics_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace kashim::cli {
namespace {

ListenAddress parsed(std::string_view text) {
    ListenAddress address;
    std::string error;
    EXPECT_TRUE(parse_listen_address(text, address, error)) << text << ": " << error;
    return address;
}

std::string refused(std::string_view text) {
    ListenAddress address;
    std::string error;
    EXPECT_FALSE(parse_listen_address(text, address, error)) << text;
    return error;
}

TEST(ListenAddress, LoopbackUnlessAnAddressIsGiven) {
    EXPECT_EQ(parsed("9977").text(), "127.0.0.1:9977");
    EXPECT_EQ(parsed(":9977").text(), "127.0.0.1:9977");
    EXPECT_EQ(parsed("localhost:9977").text(), "127.0.0.1:9977");
    EXPECT_EQ(parsed("0.0.0.0:9977").text(), "0.0.0.0:9977");
    EXPECT_EQ(parsed("192.0.2.7:80").text(), "192.0.2.7:80");
    EXPECT_EQ(parsed("0").port, 0);
    ListenAddress v6 = parsed("[::1]:9977");
    EXPECT_TRUE(v6.ipv6);
    EXPECT_EQ(v6.host, "::1");
    EXPECT_EQ(v6.text(), "[::1]:9977");
    EXPECT_EQ(parsed("[::]:65535").text(), "[::]:65535");
}

TEST(ListenAddress, RefusesWhatItCannotBindWithoutGuessing) {
    EXPECT_EQ(refused("65536"), "--listen '65536': the port must be a number from 0 to 65535: PORT, ADDRESS:PORT or [IPV6]:PORT");
    refused("");
    refused(":");
    refused("127.0.0.1:");
    refused("127.0.0.1:-1");
    refused("127.0.0.1:99x");
    refused("1234567");
    EXPECT_EQ(refused("example.com:9977"), "--listen 'example.com:9977': 'example.com' is not a numeric IPv4 address");
    EXPECT_EQ(refused("::1:9977"), "--listen '::1:9977': write an IPv6 address in brackets: [::1]:9977");
    EXPECT_EQ(refused("[::1]9977"), "--listen '[::1]9977': an IPv6 address takes a port after its brackets: [::1]:9977");
    refused("[127.0.0.1]:9977");
    refused("[::1]:");
}

TEST(RequestHead, EndsAtTheBlankLine) {
    EXPECT_EQ(request_head_length(""), 0u);
    EXPECT_EQ(request_head_length("GET /metrics HTTP/1.1\r\nHost: a\r\n"), 0u);
    EXPECT_EQ(request_head_length("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\nbody"), 34u);
    EXPECT_EQ(request_head_length("GET /metrics HTTP/1.0\n\n"), 23u);
}

MetricsPage page() { return {true, "kashim_up 1\n"}; }

std::string status_line(const std::string& head) {
    std::string response = http_response(head, page);
    return response.substr(0, response.find("\r\n"));
}

TEST(HttpResponse, MetricsForGetAndHead) {
    std::string response = http_response("GET /metrics HTTP/1.1\r\nHost: node:9977\r\nAccept: */*\r\n\r\n", page);
    EXPECT_EQ(response,
              "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: 12\r\n"
              "Connection: close\r\n\r\nkashim_up 1\n");
    EXPECT_EQ(http_response("HEAD /metrics HTTP/1.1\r\nHost: a\r\n\r\n", page),
              "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: 12\r\n"
              "Connection: close\r\n\r\n");
    EXPECT_EQ(status_line("GET /metrics HTTP/1.0\r\n\r\n"), "HTTP/1.1 200 OK");
    EXPECT_EQ(status_line("GET /metrics?name[]=x HTTP/1.1\r\nHost: a\r\n\r\n"), "HTTP/1.1 200 OK");
    EXPECT_EQ(status_line("GET http://node:9977/metrics HTTP/1.1\r\nHost: node\r\n\r\n"), "HTTP/1.1 200 OK");
    EXPECT_EQ(status_line("GET /metrics HTTP/1.1\nHost: a\n\n"), "HTTP/1.1 200 OK");
    EXPECT_EQ(status_line("GET /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"), "HTTP/1.1 200 OK");
}

TEST(HttpResponse, ErrorsSayWhich) {
    EXPECT_EQ(status_line("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), "HTTP/1.1 404 Not Found");
    EXPECT_EQ(status_line("GET /metricsx HTTP/1.1\r\nHost: a\r\n\r\n"), "HTTP/1.1 404 Not Found");
    EXPECT_EQ(status_line("GET * HTTP/1.1\r\nHost: a\r\n\r\n"), "HTTP/1.1 404 Not Found");
    std::string post = http_response("POST /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n", page);
    EXPECT_EQ(post.substr(0, post.find("\r\n")), "HTTP/1.1 405 Method Not Allowed");
    EXPECT_NE(post.find("\r\nAllow: GET, HEAD\r\n"), std::string::npos);
    EXPECT_EQ(status_line("BREW /metrics HTTP/1.1\r\nHost: a\r\n\r\n"), "HTTP/1.1 405 Method Not Allowed");
    EXPECT_EQ(status_line("GET /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n"),
              "HTTP/1.1 413 Content Too Large");
    EXPECT_EQ(status_line("GET /metrics HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"),
              "HTTP/1.1 413 Content Too Large");
    EXPECT_EQ(status_line("GET /metrics HTTP/2.0\r\nHost: a\r\n\r\n"), "HTTP/1.1 505 HTTP Version Not Supported");
    // HEAD answers carry no body, errors included.
    std::string missing = http_response("HEAD /nothing HTTP/1.1\r\nHost: a\r\n\r\n", page);
    EXPECT_EQ(missing.substr(missing.size() - 4), "\r\n\r\n");
}

TEST(HttpResponse, MalformedIs400) {
    for (const char* head : {
             "\r\n\r\n",
             "GARBAGE\r\n\r\n",
             "GET /metrics\r\n\r\n",
             "GET  /metrics HTTP/1.1\r\nHost: a\r\n\r\n",
             "GET /metrics HTTP/1.1 extra\r\nHost: a\r\n\r\n",
             "GET /metrics HTTP/1.x\r\nHost: a\r\n\r\n",
             "GET /metrics http/1.1\r\nHost: a\r\n\r\n",
             "G(T /metrics HTTP/1.1\r\nHost: a\r\n\r\n",
             "GET /met\x01rics HTTP/1.1\r\nHost: a\r\n\r\n",
             "GET /metrics HTTP/1.1\r\n\r\n",                           // no Host
             "GET /metrics HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",     // two
             "GET /metrics HTTP/1.1\r\nHost: a\r\nNo colon\r\n\r\n",
             "GET /metrics HTTP/1.1\r\nHost : a\r\n\r\n",               // space before the colon
             "GET /metrics HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",     // obsolete folding
             "GET /metrics HTTP/1.1\r\n: empty name\r\nHost: a\r\n\r\n",
         })
        EXPECT_EQ(status_line(head), "HTTP/1.1 400 Bad Request") << head;
}

TEST(HttpResponse, MetricsNotReadAre503) {
    std::string response = http_response("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n",
                                          [] { return MetricsPage{false, "cgroup mode needs root"}; });
    EXPECT_EQ(response.substr(0, response.find("\r\n")), "HTTP/1.1 503 Service Unavailable");
    EXPECT_EQ(response.substr(response.size() - 23), "cgroup mode needs root\n");
}

// A server on a loopback port of the kernel's choosing, in a thread, with short limits.
class LiveServer : public testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(pipe(stop_), 0);
        HttpLimits limits;
        limits.request_time = std::chrono::milliseconds(2000);
        limits.linger_time = std::chrono::milliseconds(100);
        limits.head_bytes = 1024;
        server_ = std::make_unique<MetricsServer>(
            [this] {
                ++scrapes_;
                return MetricsPage{true, "kashim_scrape " + std::to_string(scrapes_.load()) + "\n"};
            },
            limits);
        ASSERT_EQ(server_->listen(parsed("127.0.0.1:0")), "");
        port_ = server_->bound().port;
        thread_ = std::thread([this] { problem_ = server_->run(stop_[0]); });
    }
    void TearDown() override {
        if (thread_.joinable()) {
            (void)!write(stop_[1], "x", 1);
            thread_.join();
        }
        close(stop_[0]);
        close(stop_[1]);
        EXPECT_EQ(problem_, "");
    }

    int connected() {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port_);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
        timeval five_seconds{5, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five_seconds, sizeof five_seconds);
        return fd;
    }

    // Everything the server sends on `fd` until it closes it.
    static std::string answer(int fd) {
        std::string text;
        char buffer[4096];
        ssize_t got;
        while ((got = recv(fd, buffer, sizeof buffer, 0)) > 0) text.append(buffer, static_cast<size_t>(got));
        close(fd);
        return text;
    }

    std::string exchange(const std::string& request) {
        int fd = connected();
        EXPECT_EQ(send(fd, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
        return answer(fd);
    }

    int stop_[2];
    std::unique_ptr<MetricsServer> server_;
    std::thread thread_;
    std::string problem_;
    std::atomic<int> scrapes_{0};
    uint16_t port_ = 0;
};

bool starts_with(const std::string& text, std::string_view prefix) { return text.rfind(prefix, 0) == 0; }

TEST_F(LiveServer, EachScrapeReadsAnew) {
    std::string first = exchange("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
    std::string second = exchange("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_TRUE(starts_with(first, "HTTP/1.1 200 OK\r\n")) << first;
    EXPECT_EQ(first.substr(first.find("\r\n\r\n") + 4), "kashim_scrape 1\n");
    EXPECT_EQ(second.substr(second.find("\r\n\r\n") + 4), "kashim_scrape 2\n");
}

TEST_F(LiveServer, BadRequestsAreAnsweredAndServingGoesOn) {
    EXPECT_TRUE(starts_with(exchange("GARBAGE\r\n\r\n"), "HTTP/1.1 400 ")) << "malformed";
    EXPECT_TRUE(starts_with(exchange("DELETE /metrics HTTP/1.1\r\nHost: a\r\n\r\n"), "HTTP/1.1 405 "));
    EXPECT_TRUE(starts_with(exchange("GET /other HTTP/1.1\r\nHost: a\r\n\r\n"), "HTTP/1.1 404 "));
    EXPECT_TRUE(starts_with(exchange("GET /metrics HTTP/1.1\r\nHost: a\r\nX: " + std::string(2000, 'a') + "\r\n\r\n"),
                            "HTTP/1.1 431 "));
    // A body the server never reads: the answer still arrives whole (no reset).
    std::string with_body = exchange("POST /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 3000\r\n\r\n" +
                                     std::string(3000, 'b'));
    EXPECT_TRUE(starts_with(with_body, "HTTP/1.1 405 ")) << with_body;
    // Sent part of a request, then closed its side: 400.
    int half = connected();
    ASSERT_EQ(send(half, "GET /metr", 9, MSG_NOSIGNAL), 9);
    shutdown(half, SHUT_WR);
    EXPECT_TRUE(starts_with(answer(half), "HTTP/1.1 400 "));
    EXPECT_TRUE(starts_with(exchange("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n"), "HTTP/1.1 200 OK\r\n"));
}

TEST_F(LiveServer, ASilentClientTimesOutWithoutBlockingOthers) {
    int silent = connected();
    int partial = connected();
    ASSERT_EQ(send(partial, "GET /metrics HTTP/1.1\r\n", 23, MSG_NOSIGNAL), 23);
    auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(starts_with(exchange("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n"), "HTTP/1.1 200 OK\r\n"));
    // Well before their deadline (2 s): they did not hold it up.
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1000));
    // Then both are dropped at the deadline: nothing for the silent one, 408 for the other.
    EXPECT_EQ(answer(silent), "");
    EXPECT_TRUE(starts_with(answer(partial), "HTTP/1.1 408 "));
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(4000));
}

TEST(MetricsServer, APortInUseIsAProblem) {
    MetricsServer first(page), second(page);
    ASSERT_EQ(first.listen(parsed("127.0.0.1:0")), "");
    ListenAddress taken = first.bound();
    EXPECT_EQ(second.listen(taken), "cannot listen on " + taken.text() + ": Address already in use");
}

}  // namespace
}  // namespace kashim::cli
