// A server on a preopened listening socket (`heron run --tcplisten` or
// `--listen-fd`), through wasi-libc's accept, recv, send, shutdown, read,
// write, poll and fcntl. server_client.py starts heron and plays the
// clients, one after another, once the program prints "ready":
//   1 lines   it sends text and shuts its side; the server answers it
//             uppercased with read()/write() until the end of the stream
//   2 framed  a 4-digit length, then (later) that many bytes: the server
//             peeks at the length, takes the whole message with
//             MSG_WAITALL and sends it back reversed, then shuts its side
//   3 nonblocking  accepted with SOCK_NONBLOCK: recv is EAGAIN until the
//             client, greeted, speaks; poll() waits for it
//   4 reset   the client resets the connection: recv is ECONNRESET, then
//             send and write are EPIPE (and heron is not killed by SIGPIPE)
//   5 bulk    300 KB each way through one connection
// The listening socket is the first descriptor from 3 up that is a stream
// socket; with a directory argument (a preopen), one log line per client
// goes to DIR/log.
#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

static FILE* logfile;

static void log_line(const char* line) {
  if (logfile) fprintf(logfile, "%s\n", line);
}

// Waits (at most 20 s, so that a lost client cannot hang the test) until
// `fd` is readable.
static void wait_readable(int fd, const char* what) {
  struct pollfd p = {fd, POLLIN, 0};
  const int r = poll(&p, 1, 20000);
  if (r != 1 || !(p.revents & POLLIN)) {
    printf("FAIL %s: poll gave %d (%s), revents %#x\n", what, r, result_of(r),
           p.revents);
    exit(1);
  }
}

static int accept_one(int listener, int flags, const char* what) {
  wait_readable(listener, what);
  struct sockaddr_storage addr;
  socklen_t len = sizeof addr;
  const int fd = accept4(listener, (struct sockaddr*)&addr, &len, flags);
  if (fd < 0) {
    printf("FAIL accept (%s): %s\n", what, errname(errno));
    exit(1);
  }
  return fd;
}

static void upper(char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = (char)toupper((unsigned char)p[i]);
}

// Writes all of p[0..n) with write(); false on an error.
static int write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = write(fd, p, n);
    if (w <= 0) return 0;
    p += w;
    n -= (size_t)w;
  }
  return 1;
}

static void client_lines(int listener) {
  const int c = accept_one(listener, 0, "lines");
  char buf[256];
  size_t total = 0;
  ssize_t n;
  while ((n = read(c, buf, sizeof buf)) > 0) {
    upper(buf, (size_t)n);
    if (!write_all(c, buf, (size_t)n)) break;
    total += (size_t)n;
  }
  printf("client 1 (lines): %zu bytes uppercased, read ended with %s\n", total,
         n == 0 ? "end of stream" : errname(errno));
  printf("close: %s\n", result_of(close(c)));
  log_line("lines");
}

static void client_framed(int listener) {
  const int c = accept_one(listener, 0, "framed");
  char header[5] = {0};
  ssize_t n = recv(c, header, 4, MSG_PEEK | MSG_WAITALL);
  printf("client 2 (framed): peeked %zd bytes: %s\n", n, header);
  const int len = atoi(header);
  char msg[4 + 100] = {0};
  if (len <= 0 || len > 100) {
    printf("FAIL bad header\n");
    exit(1);
  }
  // The payload is sent ~100 ms after the header: WAITALL waits for it.
  n = recv(c, msg, (size_t)(4 + len), MSG_WAITALL);
  printf("recv WAITALL %d: %zd bytes: %.*s\n", 4 + len, n, len, msg + 4);
  char reply[100];
  for (int i = 0; i < len; ++i) reply[i] = msg[4 + len - 1 - i];
  n = send(c, reply, (size_t)len, 0);
  printf("send: %zd bytes\n", n);
  printf("shutdown(SHUT_WR): %s\n", result_of(shutdown(c, SHUT_WR)));
  n = recv(c, msg, sizeof msg, 0);  // until the client closes
  printf("recv after the client closed: %zd\n", n);
  close(c);
  log_line("framed");
}

static void client_nonblocking(int listener) {
  const int c = accept_one(listener, SOCK_NONBLOCK, "nonblocking");
  printf("client 3 (nonblocking): O_NONBLOCK %s\n",
         (fcntl(c, F_GETFL) & O_NONBLOCK) ? "set" : "not set");
  char buf[64];
  ssize_t n = recv(c, buf, sizeof buf, 0);
  printf("recv before the client speaks: %s\n", result_of((int)n));
  n = read(c, buf, sizeof buf);
  printf("read before the client speaks: %s\n", result_of((int)n));
  send(c, "say something\n", 14, 0);
  wait_readable(c, "nonblocking client");
  n = recv(c, buf, sizeof buf, 0);
  printf("recv after poll: %.*s", (int)(n > 0 ? n : 0), buf);
  close(c);
  log_line("nonblocking");
}

static void client_reset(int listener) {
  const int c = accept_one(listener, 0, "reset");
  send(c, "bye\n", 4, 0);
  char buf[64];
  // Blocks until the client's reset arrives.
  ssize_t n = recv(c, buf, sizeof buf, 0);
  printf("client 4 (reset): recv %s\n", result_of((int)n));
  n = send(c, "anyone?", 7, 0);
  printf("send to the reset peer: %s\n", result_of((int)n));
  n = write(c, "anyone?", 7);
  printf("write to the reset peer: %s\n", result_of((int)n));
  printf("shutdown(SHUT_RDWR) of the reset connection: %s\n",
         result_of(shutdown(c, SHUT_RDWR)));
  close(c);
  log_line("reset");
}

static void client_bulk(int listener) {
  const int c = accept_one(listener, 0, "bulk");
  static char buf[8192];
  size_t total = 0;
  uint64_t h = FNV_INIT;
  ssize_t n;
  while ((n = recv(c, buf, sizeof buf, 0)) > 0) {
    h = fnv(h, buf, (size_t)n);
    upper(buf, (size_t)n);
    if (!write_all(c, buf, (size_t)n)) break;
    total += (size_t)n;
  }
  printf("client 5 (bulk): %zu bytes, fnv %016llx, ended with %s\n", total,
         (unsigned long long)h, n == 0 ? "end of stream" : errname(errno));
  close(c);
  log_line("bulk");
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);  // the client waits for "ready"
  if (argc > 1) {
    char path[256];
    snprintf(path, sizeof path, "%s/log", argv[1]);
    logfile = fopen(path, "w");
    if (!logfile) {
      printf("FAIL open %s: %s\n", path, errname(errno));
      return 1;
    }
  }
  int listener = -1;
  for (int fd = 3; fd < 64 && listener < 0; ++fd) {
    int type = 0;
    socklen_t len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
        type == SOCK_STREAM)
      listener = fd;
  }
  if (listener < 0) {
    printf("FAIL no listening socket\n");
    return 1;
  }
  printf("listening socket: fd %d\n", listener);

  // What is not a socket, or not open.
  char byte;
  printf("accept on stdin: %s\n", result_of(accept(0, NULL, NULL)));
  printf("shutdown of stdout: %s\n", result_of(shutdown(1, SHUT_RDWR)));
  printf("recv on fd 99: %s\n", result_of((int)recv(99, &byte, 1, 0)));
  printf("send on fd 99: %s\n", result_of((int)send(99, &byte, 1, 0)));
  printf("recv on the listener: %s\n",
         result_of((int)recv(listener, &byte, 1, 0)));

  // Nonblocking, nobody there yet.
  printf("fcntl O_NONBLOCK: %s\n",
         result_of(fcntl(listener, F_SETFL, O_NONBLOCK)));
  printf("accept with nobody waiting: %s\n",
         result_of(accept(listener, NULL, NULL)));
  struct pollfd p = {listener, POLLIN, 0};
  printf("poll with nobody waiting: %d\n", poll(&p, 1, 0));

  printf("ready\n");
  client_lines(listener);
  client_framed(listener);
  client_nonblocking(listener);
  client_reset(listener);
  client_bulk(listener);
  printf("served 5 clients\n");
  if (logfile) fclose(logfile);
  return 0;
}
