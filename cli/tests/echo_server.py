"""A TCP echo server on loopback for kashim drill's cases: prints its port, then echoes every
connection's bytes back, each connection in a thread, until killed. Outside the drilled group, it
stands for the peer whose network the drill cuts."""
import socket
import sys
import threading


def echo(connection: socket.socket) -> None:
    with connection:
        while data := connection.recv(4096):
            connection.sendall(data)


def main() -> None:
    listener = socket.socket(socket.AF_INET6 if "--ipv6" in sys.argv else socket.AF_INET)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("::1" if "--ipv6" in sys.argv else "127.0.0.1", 0))
    listener.listen(64)
    print(listener.getsockname()[1], flush=True)
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=echo, args=(connection,), daemon=True).start()


if __name__ == "__main__":
    main()
