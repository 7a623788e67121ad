#!/usr/bin/env python3
"""The sandbox node's pod gateway: the only way from its pods to the sandbox's peers.

Pods live in network namespaces joined to a bridge in the sandbox's own "hub" namespace (made by
the sandbox, with no physical interface and no route out), where the kubelet and kube-proxy run
too. This process relays, in both directions and nothing else:
  - into the hub: it listens there on ADDRESS:PORT and relays each connection to 127.0.0.1:PORT of
    the namespace it was started in ("home"), where the API server, the AWS emulator and the
    registry listen;
  - out of the hub: with --to-hub PORT it listens on home's 127.0.0.1:PORT and relays each
    connection to the hub's ADDRESS:PORT (the kubelet's port, for the API server's logs and exec).
It enters the hub (setns) only to make those sockets, so nothing else of it is there.

usage: pod_gateway.py HUB_NETNS_PATH ADDRESS PORT... [--to-hub PORT...]
It prints "ready" once every socket listens.
"""
import ctypes
import os
import socket
import sys
import threading

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def enter(namespace_fd):
    if _libc.setns(namespace_fd, CLONE_NEWNET) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, "setns: " + os.strerror(errno))


def pump(source, sink):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for s, how in ((sink, socket.SHUT_WR), (source, socket.SHUT_RD)):
            try:
                s.shutdown(how)
            except OSError:
                pass


def relay(client, target, hub_fd, home_fd):
    try:
        if hub_fd is None:
            upstream = socket.create_connection(target, timeout=10)
        else:
            enter(hub_fd)  # this thread only: its socket is made in the hub
            try:
                upstream = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            finally:
                enter(home_fd)
            upstream.settimeout(10)
            upstream.connect(target)
        upstream.settimeout(None)
    except OSError:
        client.close()
        return
    back = threading.Thread(target=pump, args=(upstream, client), daemon=True)
    back.start()
    pump(client, upstream)
    back.join()
    client.close()
    upstream.close()


def serve(listener, target, hub_fd, home_fd):
    while True:
        client, _ = listener.accept()
        threading.Thread(
            target=relay, args=(client, target, hub_fd, home_fd), daemon=True
        ).start()


def listen(address, port):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((address, port))
    listener.listen(128)
    return listener


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        sys.exit(__doc__)
    hub, address = args[0], args[1]
    rest = args[2:]
    split = rest.index("--to-hub") if "--to-hub" in rest else len(rest)
    into_hub = [int(p) for p in rest[:split]]
    out_of_hub = [int(p) for p in rest[split + 1 :]]
    home_fd = os.open("/proc/self/ns/net", os.O_RDONLY)
    hub_fd = os.open(hub, os.O_RDONLY)
    servers = []
    enter(hub_fd)
    try:
        for port in into_hub:
            servers.append((listen(address, port), ("127.0.0.1", port), None))
    finally:
        enter(home_fd)  # threads made from here on (and their sockets) are back home
    for port in out_of_hub:
        servers.append((listen("127.0.0.1", port), (address, port), hub_fd))
    for listener, target, into in servers:
        threading.Thread(
            target=serve, args=(listener, target, into, home_fd), daemon=True
        ).start()
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
