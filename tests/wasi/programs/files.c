// A WASI program exercising what a C program does with files through
// wasi-libc: args and environment, creating, writing, reading back and
// seeking a file in a preopened directory, mkdir, readdir, rename, symlink
// and readlink, stat, unlink, an escape attempt, stdin, and an exit status.
// wasi_test.sh compares its stdout with files.expected.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int failures = 0;

static void check(int ok, const char* what) {
  if (!ok) {
    printf("FAILED: %s (errno %d: %s)\n", what, errno, strerror(errno));
    ++failures;
  }
}

static int compare(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

int main(int argc, char** argv) {
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; ++i) printf("argv[%d]=%s\n", i, argv[i]);
  const char* greeting = getenv("GREETING");
  printf("GREETING=%s\n", greeting ? greeting : "(unset)");
  printf("HOME=%s\n", getenv("HOME") ? "set" : "(unset)");

  struct timespec ts;
  check(clock_gettime(CLOCK_REALTIME, &ts) == 0 && ts.tv_sec > 1600000000,
        "clock_gettime");

  FILE* f = fopen("/data/out.txt", "w");
  check(f != NULL, "fopen w");
  if (f) {
    for (int i = 0; i < 1000; ++i) fprintf(f, "line %d\n", i);
    fclose(f);
  }
  f = fopen("/data/out.txt", "r");
  check(f != NULL, "fopen r");
  if (f) {
    char line[64];
    int count = 0;
    char last[64] = "";
    while (fgets(line, sizeof line, f)) {
      ++count;
      strcpy(last, line);
    }
    printf("lines=%d last=%s", count, last);
    check(fseek(f, 5, SEEK_SET) == 0, "fseek");
    check(fgets(line, sizeof line, f) != NULL, "fgets after seek");
    printf("after seek: %s", line);
    fclose(f);
  }
  struct stat st;
  check(stat("/data/out.txt", &st) == 0, "stat");
  printf("size=%lld regular=%d\n", (long long)st.st_size, S_ISREG(st.st_mode));

  check(mkdir("/data/sub", 0755) == 0, "mkdir");
  check(rename("/data/out.txt", "/data/sub/moved.txt") == 0, "rename");
  check(symlink("moved.txt", "/data/sub/link") == 0, "symlink");
  char target[64] = {0};
  check(readlink("/data/sub/link", target, sizeof target - 1) > 0, "readlink");
  printf("readlink=%s\n", target);
  check(lstat("/data/sub/link", &st) == 0 && S_ISLNK(st.st_mode), "lstat");

  DIR* dir = opendir("/data/sub");
  check(dir != NULL, "opendir");
  if (dir) {
    char* names[16];
    int n = 0;
    struct dirent* d;
    while ((d = readdir(dir)) != NULL && n < 16) names[n++] = strdup(d->d_name);
    closedir(dir);
    qsort(names, n, sizeof names[0], compare);
    printf("entries:");
    for (int i = 0; i < n; ++i) {
      printf(" %s", names[i]);
      free(names[i]);
    }
    printf("\n");
  }

  errno = 0;
  int escaped = open("/data/../outside.txt", O_RDONLY);
  printf("escape: %s\n", escaped < 0 ? "refused" : "OPENED");
  if (escaped >= 0) close(escaped);

  check(unlink("/data/sub/link") == 0, "unlink link");
  check(unlink("/data/sub/moved.txt") == 0, "unlink file");
  check(rmdir("/data/sub") == 0, "rmdir");

  char input[128] = {0};
  size_t got = fread(input, 1, sizeof input - 1, stdin);
  printf("stdin: %zu bytes: %s", got, input);

  fprintf(stderr, "to stderr\n");
  printf("failures=%d\n", failures);
  fflush(stdout);
  return failures == 0 ? 42 : 1;
}
