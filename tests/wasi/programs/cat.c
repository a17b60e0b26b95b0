// `cat` three ways, byte for byte (binary data, no translation): argv[1]
// "read" copies stdin with read()/write() through an odd-sized buffer
// (handling short reads and writes), "stdio" with getchar/putchar, "fread"
// with fread/fwrite in 64 KiB blocks.
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int copy_read(void) {
  static char buf[4097];
  for (;;) {
    const ssize_t n = read(0, buf, sizeof buf);
    if (n == 0) return 0;
    if (n < 0) {
      perror("read");
      return 1;
    }
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = write(1, buf + done, (size_t)(n - done));
      if (w <= 0) {
        perror("write");
        return 1;
      }
      done += w;
    }
  }
}

static int copy_stdio(void) {
  int c;
  while ((c = getchar()) != EOF) putchar(c);
  return ferror(stdin) || fflush(stdout) != 0;
}

static int copy_fread(void) {
  static char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
    if (fwrite(buf, 1, n, stdout) != n) return 1;
  }
  return ferror(stdin) || fflush(stdout) != 0;
}

int main(int argc, char** argv) {
  const char* how = argc > 1 ? argv[1] : "read";
  if (strcmp(how, "read") == 0) return copy_read();
  if (strcmp(how, "stdio") == 0) return copy_stdio();
  if (strcmp(how, "fread") == 0) return copy_fread();
  return 2;
}
