// An ordinary Java client, run as a single source file (`java Client.java HOST PORT`): a plain
// java.net.Socket, then a blocking read for a reply.
// Exit 1 with the error when the connection fails, 2 if the peer ever answers or closes.
import java.io.IOException;
import java.net.Socket;

public class Client {
    public static void main(String[] args) {
        try (Socket socket = new Socket(args[0], Integer.parseInt(args[1]))) {
            int reply = socket.getInputStream().read();
            System.err.println("read returned " + reply);
            System.exit(2);
        } catch (IOException error) {
            System.err.println("read: " + error);
            System.exit(1);
        }
    }
}
