package io.ecrsecret.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP proxy on loopback, for tests of what the clients honour: {@code CONNECT host:port}
 * tunnels (HTTPS) and absolute-form requests ({@code POST http://host:port/...}, plain HTTP), each
 * connection piped to its target as it is. It records every target it was asked for. Forwards only
 * to loopback addresses.
 */
public final class LoopbackProxy implements AutoCloseable {

  private final ServerSocket server;
  private final List<String> targets = new CopyOnWriteArrayList<>();

  private LoopbackProxy(ServerSocket server) {
    this.server = server;
  }

  public static LoopbackProxy start() throws IOException {
    var proxy = new LoopbackProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    var acceptor = new Thread(proxy::accept, "loopback-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
    return proxy;
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@code CONNECT 127.0.0.1:6443} or {@code POST 127.0.0.1:4566}, in the order they came. */
  public List<String> targets() {
    return List.copyOf(targets);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        var t = new Thread(() -> serve(client), "loopback-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      String requestLine = readLine(in);
      String[] parts = requestLine.split(" ");
      if (parts.length != 3) {
        return;
      }
      var headers = new ByteArrayOutputStream();
      for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
        headers.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      }
      String host;
      int port;
      boolean tunnel = parts[0].equals("CONNECT");
      URI uri = null;
      if (tunnel) {
        host = parts[1].substring(0, parts[1].lastIndexOf(':'));
        port = Integer.parseInt(parts[1].substring(parts[1].lastIndexOf(':') + 1));
      } else {
        uri = URI.create(parts[1]);
        host = uri.getHost();
        port = uri.getPort() < 0 ? 80 : uri.getPort();
      }
      targets.add(parts[0] + " " + host + ":" + port);
      if (!InetAddress.getByName(host).isLoopbackAddress()) {
        client.getOutputStream().write("HTTP/1.1 403 Forbidden\r\n\r\n".getBytes());
        return;
      }
      try (Socket upstream = new Socket(host, port)) {
        OutputStream toUpstream = upstream.getOutputStream();
        if (tunnel) {
          client.getOutputStream().write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes());
        } else {
          String path =
              uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
          toUpstream.write(
              (parts[0] + " " + path + " " + parts[2] + "\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
          toUpstream.write(headers.toByteArray());
          toUpstream.write("\r\n".getBytes());
        }
        var back =
            new Thread(
                () -> {
                  try {
                    upstream.getInputStream().transferTo(client.getOutputStream());
                  } catch (IOException e) {
                    // either side closed
                  }
                });
        back.setDaemon(true);
        back.start();
        in.transferTo(toUpstream);
        back.join(5_000);
      }
    } catch (IOException | InterruptedException e) {
      // the client went away
    }
  }

  private static String readLine(InputStream in) throws IOException {
    var line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
