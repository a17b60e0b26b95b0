#!/usr/bin/env python3
"""The clients of server.c, and the way heron gets its listening socket.

Usage: server_client.py MODE HERON run WASM [FLAGS...] [-- ARGS...]

MODE says how the listening socket reaches heron:
  fd         this script listens on 127.0.0.1, an ephemeral port, and
             passes the socket as `--listen-fd N` (socket activation)
  tcplisten  heron listens itself (`--tcplisten 127.0.0.1:0`); the port is
             found from its open sockets (/proc/PID/fd and /proc/net/tcp)
The flag goes before the `--` of the command. Once the program prints
"ready", the clients of server.c's header run one after another. Printed:
the program's whole stdout, then one line per client of what it got back.
Exit status: heron's, or 1 (the reason on stderr) when a client did not
get what it should. Every wait is bounded.
"""

import os
import queue
import re
import socket
import struct
import subprocess
import sys
import threading
import time

TIMEOUT = 20.0  # seconds, for any single wait (ASan builds start slowly)


def fail(message):
    sys.stderr.write(f"server_client.py: {message}\n")
    sys.exit(1)


def with_flag(command, flag):
    if "--" in command:
        at = command.index("--")
        return command[:at] + flag + command[at:]
    return command + flag


def listening_port(pid, deadline):
    """The port of the TCP socket PID listens on, once it does."""
    while time.monotonic() < deadline:
        inodes = set()
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                except OSError:
                    continue
                found = re.fullmatch(r"socket:\[(\d+)\]", target)
                if found:
                    inodes.add(found.group(1))
        except OSError:
            fail("heron exited before listening")
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                with open(table) as f:
                    next(f)
                    for line in f:
                        cols = line.split()
                        # local_address is HEX_IP:HEX_PORT; state 0A = LISTEN
                        if cols[3] == "0A" and cols[9] in inodes:
                            return int(cols[1].split(":")[1], 16)
            except OSError:
                pass
        time.sleep(0.02)
    fail(f"no listening socket in heron (pid {pid}) after {TIMEOUT}s")


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    s.settimeout(TIMEOUT)
    return s


def read_to_end(s):
    chunks = []
    while True:
        data = s.recv(65536)
        if not data:
            return b"".join(chunks)
        chunks.append(data)


def read_line(s):
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(1)
        if not chunk:
            break
        data += chunk
    return data


def client_lines(port):
    with connect(port) as s:
        s.sendall(b"hello\nwasi sockets\n")
        s.shutdown(socket.SHUT_WR)
        return f"lines got {read_to_end(s)!r}"


def client_framed(port):
    with connect(port) as s:
        s.sendall(b"0011")
        time.sleep(0.1)  # MSG_WAITALL must wait for the rest
        s.sendall(b"hello world")
        return f"framed got {read_to_end(s)!r}"


def client_nonblocking(port):
    with connect(port) as s:
        greeting = read_line(s)
        s.sendall(b"something\n")
        rest = read_to_end(s)
        return f"nonblocking was told {greeting!r}, then got {rest!r}"


def client_reset(port):
    s = connect(port)
    greeting = read_line(s)
    # A zero linger: close() resets the connection.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    return f"reset was told {greeting!r}, then reset the connection"


def client_bulk(port):
    data = bytes((i * 7 + i // 251) % 256 for i in range(300000))
    with connect(port) as s:
        def sender():
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)

        thread = threading.Thread(target=sender)
        thread.start()
        back = read_to_end(s)
        thread.join()
    want = data.upper()
    same = "the same, uppercased" if back == want else "DIFFERENT"
    return f"bulk sent {len(data)} bytes, got {len(back)} back: {same}"


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("fd", "tcplisten"):
        fail("usage: server_client.py fd|tcplisten HERON run WASM ...")
    mode, command = sys.argv[1], sys.argv[2:]
    pass_fds = ()
    listener = None
    if mode == "fd":
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        port = listener.getsockname()[1]
        pass_fds = (listener.fileno(),)
        command = with_flag(command, ["--listen-fd", str(listener.fileno())])
    else:
        command = with_flag(command, ["--tcplisten", "127.0.0.1:0"])
    heron = subprocess.Popen(command, stdout=subprocess.PIPE,
                             pass_fds=pass_fds)
    if listener:
        listener.close()  # heron has it now

    lines = queue.Queue()

    def reader():
        for line in heron.stdout:
            lines.put(line.decode(errors="replace"))
        lines.put(None)

    threading.Thread(target=reader, daemon=True).start()
    output = []
    deadline = time.monotonic() + TIMEOUT
    while not output or output[-1] != "ready\n":
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            heron.kill()
            fail(f"no 'ready' from the program after {TIMEOUT}s: {output}")
        if line is None:
            heron.wait()
            sys.stdout.write("".join(output))
            fail(f"the program ended (status {heron.returncode}) before "
                 "'ready'")
        output.append(line)
    if mode == "tcplisten":
        port = listening_port(heron.pid, time.monotonic() + TIMEOUT)

    results = []
    try:
        for client in (client_lines, client_framed, client_nonblocking,
                       client_reset, client_bulk):
            results.append(client(port))
    except OSError as e:
        # What the program said up to its end (or the kill) tells why.
        try:
            heron.wait(timeout=2)
        except subprocess.TimeoutExpired:
            heron.kill()
        heron.wait()
        while (line := lines.get(timeout=TIMEOUT)) is not None:
            output.append(line)
        fail(f"client {len(results) + 1} failed: {e!r}; heron status "
             f"{heron.returncode}; results so far {results}; program output "
             f"{''.join(output)}")
    try:
        status = heron.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        heron.kill()
        fail(f"heron did not exit {TIMEOUT}s after the last client")
    while (line := lines.get(timeout=TIMEOUT)) is not None:
        output.append(line)
    sys.stdout.write("".join(output))
    for result in results:
        print(result)
    sys.stdout.flush()
    sys.exit(status)


main()
