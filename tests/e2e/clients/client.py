"""An ordinary Python client: connect, then wait in a blocking recv() for a reply.

Exit 1 with the error when the connection fails, 2 if the peer ever answers or closes.
"""
import socket
import sys


def main() -> int:
    host, port = sys.argv[1], int(sys.argv[2])
    with socket.create_connection((host, port)) as connection:
        try:
            reply = connection.recv(1)
        except OSError as error:
            print(f"recv: {error}", file=sys.stderr)
            return 1
    print(f"recv returned {len(reply)} byte(s)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
