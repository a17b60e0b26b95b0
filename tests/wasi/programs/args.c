// Arguments and environment exactly as given: every argv[i] (i >= 1) with
// its length and its bytes (non-printable and non-ASCII ones as \xHH, so
// that UTF-8 is checked byte for byte), then the environment, sorted, and
// getenv of the names argv asks about. argv[0] is only checked to be
// there: it is the wasm file's or the native binary's path.
#include <stdlib.h>
#include <string.h>

#include "common.h"

extern char** environ;

static void print_bytes(const char* s) {
  for (const unsigned char* p = (const unsigned char*)s; *p; ++p) {
    if (*p >= 0x20 && *p < 0x7f && *p != '\\')
      putchar(*p);
    else
      printf("\\x%02x", *p);
  }
}

static int compare(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

int main(int argc, char** argv) {
  printf("argc=%d argv[0] %s\n", argc,
         argv[0] && argv[0][0] ? "present" : "MISSING");
  check(argv[argc] == NULL, "argv[argc] is NULL", NULL);
  for (int i = 1; i < argc; ++i) {
    printf("argv[%d] len=%zu: ", i, strlen(argv[i]));
    print_bytes(argv[i]);
    putchar('\n');
  }
  int n = 0;
  while (environ && environ[n]) ++n;
  printf("environ: %d entries\n", n);
  char** sorted = malloc(sizeof(char*) * (size_t)(n + 1));
  for (int i = 0; i < n; ++i) sorted[i] = environ[i];
  qsort(sorted, (size_t)n, sizeof sorted[0], compare);
  for (int i = 0; i < n; ++i) {
    printf("  ");
    print_bytes(sorted[i]);
    putchar('\n');
  }
  free(sorted);
  // getenv of each argument that names a variable ("?NAME").
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] != '?') continue;
    const char* v = getenv(argv[i] + 1);
    printf("getenv(%s) = ", argv[i] + 1);
    if (v) {
      putchar('"');
      print_bytes(v);
      printf("\"\n");
    } else {
      printf("NULL\n");
    }
  }
  return done();
}
