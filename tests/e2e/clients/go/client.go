// A Go client in Go's ordinary way: net.Dial (which turns on Go's own 15 s keepalive) and a
// blocking read. Go makes its own system calls, so only kashim's seccomp supervisor reaches it.
package main

import (
	"fmt"
	"net"
	"os"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: client HOST PORT")
		os.Exit(64)
	}
	conn, err := net.Dial("tcp", net.JoinHostPort(os.Args[1], os.Args[2]))
	if err != nil {
		fmt.Fprintln(os.Stderr, "dial:", err)
		os.Exit(1)
	}
	reply := make([]byte, 1)
	if _, err := conn.Read(reply); err != nil {
		fmt.Fprintln(os.Stderr, "read:", err)
		os.Exit(1)
	}
	fmt.Fprintln(os.Stderr, "the peer answered")
	os.Exit(2)
}
