// On a terminal (the script runs this under script(1), so stdin, stdout
// and stderr are one pty): isatty() is true for all three, stdout is a
// character device that cannot seek, and stdout is line buffered, which
// shows in the order of a stdout line written before a stderr one.
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

int main(void) {
  printf("stdout line, before stderr's if line buffered\n");
  fprintf(stderr, "stderr line\n");
  printf("isatty %d %d %d\n", isatty(0), isatty(1), isatty(2));
  struct stat st;
  check(fstat(1, &st) == 0 && S_ISCHR(st.st_mode),
        "stdout is a character device", NULL);
  errno = 0;
  printf("lseek on stdout: %s\n", result_of((int)lseek(1, 0, SEEK_CUR)));
  return done();
}
