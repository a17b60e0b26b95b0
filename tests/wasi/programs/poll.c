// poll() through poll_oneoff: stdin (a pipe from the script) polled while
// still empty, so that the timeout ends the wait, then until data comes;
// at end of file (POLLHUP, as Linux reports it); a timeout alone; stdout
// writable; a regular file readable at once; an invalid descriptor
// (POLLNVAL) reported together with a ready one; a negative fd ignored.
// argv[1] says what stdin does: "late" (data ~300 ms after the program
// creates the file argv[3], so that a slow start cannot make it early) or
// "now"; argv[2] is a regular file.
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static long long ms_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char detail[128];

static void show(const char* what, int r, const struct pollfd* p, int n) {
  printf("%-36s -> %d", what, r);
  for (int i = 0; i < n; ++i) {
    printf(" [fd%s%s%s%s%s]", p[i].revents & POLLIN ? " IN" : "",
           p[i].revents & POLLOUT ? " OUT" : "",
           p[i].revents & POLLHUP ? " HUP" : "",
           p[i].revents & POLLNVAL ? " NVAL" : "",
           p[i].revents & POLLERR ? " ERR" : "");
  }
  printf("\n");
}

int main(int argc, char** argv) {
  const int late = argc > 1 && strcmp(argv[1], "late") == 0;
  struct pollfd p[2];
  char buf[64] = {0};
  long long t0;
  int r;
  if (late) {
    close(open(argv[3], O_CREAT | O_WRONLY, 0644));  // "send it now"
    p[0] = (struct pollfd){0, POLLIN, 0};
    t0 = ms_now();
    r = poll(p, 1, 40);
    const long long waited = ms_now() - t0;
    show("stdin before the data, 40ms", r, p, 1);
    snprintf(detail, sizeof detail, "waited %lld ms", waited);
    check(waited >= 40 && waited < 2000, "the timeout ended the wait", detail);
  }
  p[0] = (struct pollfd){0, POLLIN, 0};
  r = poll(p, 1, 10000);
  // (Whether the writer has already gone, POLLHUP, is a race.)
  p[0].revents &= ~POLLHUP;
  show("stdin with data", r, p, 1);
  const ssize_t n = read(0, buf, sizeof buf - 1);
  printf("read %zd bytes: %s", n, buf);
  // The writer has gone (the script's printf ends at once): wait for the
  // hangup, which Linux reports as POLLHUP without POLLIN.
  p[0] = (struct pollfd){0, POLLIN, 0};
  r = poll(p, 1, 10000);
  check(r == 1 && (p[0].revents & POLLHUP), "end of stdin is POLLHUP", NULL);
  check(read(0, buf, sizeof buf) == 0, "then read returns 0", NULL);

  t0 = ms_now();
  r = poll(NULL, 0, 30);
  const long long waited = ms_now() - t0;
  printf("%-36s -> %d\n", "no fds, 30ms", r);
  snprintf(detail, sizeof detail, "waited %lld ms", waited);
  check(waited >= 30 && waited < 2000, "a timeout alone waits", detail);
  r = poll(NULL, 0, 0);
  printf("%-36s -> %d\n", "no fds, 0ms", r);

  p[0] = (struct pollfd){1, POLLOUT, 0};
  show("stdout for writing", poll(p, 1, 1000), p, 1);
  const int fd = open(argv[2], O_RDONLY);
  p[0] = (struct pollfd){fd, POLLIN, 0};
  show("a regular file", poll(p, 1, 1000), p, 1);
  p[0] = (struct pollfd){99, POLLIN, 0};
  p[1] = (struct pollfd){fd, POLLIN, 0};
  show("a bad fd and a ready one", poll(p, 2, 1000), p, 2);
  p[0] = (struct pollfd){-1, POLLIN, 0};
  show("a negative fd, 0ms", poll(p, 1, 0), p, 1);
  close(fd);
  return done();
}
