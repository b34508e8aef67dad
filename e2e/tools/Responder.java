import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A stand-in SIP server for the e2e scenario: echoes every UDP datagram and every TCP byte it gets
 * on one port (IPv4 and IPv6), so a peer can tell whether a node's firewall lets it through. One
 * process instead of socat's fork per datagram, so 500 probes a second cost next to nothing.
 *
 * <p>usage: {@code java -cp target/e2e-tools Responder PORT}
 */
public final class Responder {

    private Responder() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Responder PORT");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        ServerSocket tcp = new ServerSocket(port);
        Thread acceptor = new Thread(() -> accept(tcp), "tcp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        try (DatagramSocket udp = new DatagramSocket(port)) {
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            while (true) {
                p.setLength(2048);
                udp.receive(p);
                udp.send(p);
            }
        }
    }

    private static void accept(ServerSocket server) {
        while (true) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> echo(s), "tcp-echo");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                System.err.println("responder: accept: " + e.getMessage());
            }
        }
    }

    private static void echo(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // the peer went away
        }
    }
}
