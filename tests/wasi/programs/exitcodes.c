// How a program ends: exit(N) from deep in the call stack, return from
// main, _Exit, abort() and a trap, with stdout buffered (a pipe or a file)
// when it happens. exit and return flush stdio and run atexit handlers;
// _Exit and abort do neither. argv[1] picks the ending, argv[2] its status.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void on_exit_handler(void) { printf("atexit handler ran\n"); }

static int depth_then_exit(int depth, int status);
// Called through a pointer the compiler cannot see through, so that the
// frames are real.
static int (*volatile recurse)(int, int) = depth_then_exit;

static int depth_then_exit(int depth, int status) {
  if (depth <= 0) exit(status);
  return recurse(depth - 1, status) + 1;
}

int main(int argc, char** argv) {
  if (argc < 2) return 100;
  const char* how = argv[1];
  const int status = argc > 2 ? atoi(argv[2]) : 0;
  atexit(on_exit_handler);
  // The first line is flushed by hand: musl (wasi-libc) writes the first
  // line of a non-terminal stdout at once, glibc does not.
  printf("started\n");
  fflush(stdout);
  // Buffered from here on: stdout is not a terminal, so nothing reaches it
  // before the end unless the end flushes.
  printf("ending with %s %d\n", how, status);
  if (strcmp(how, "exit") == 0) {
    // Enough output that some of it was already written, some not.
    for (int i = 0; i < 5000; ++i) printf("line %d of the output\n", i);
    return depth_then_exit(50, status);
  }
  if (strcmp(how, "return") == 0) return status;
  if (strcmp(how, "_Exit") == 0) _Exit(status);
  if (strcmp(how, "abort") == 0) abort();
  if (strcmp(how, "divide") == 0) {
    volatile int zero = 0;
    return 10 / zero;  // a trap in wasm
  }
  return 101;
}
