// A `wc` with more to compare: lines, words, bytes, the longest line, the
// number of each byte value (summarized by a checksum) and of letters and
// digits per <ctype.h> in the C locale; read with getc from stdin.
// Compared with the native build's output on the same input.
#include <ctype.h>
#include <stdio.h>

#include "common.h"

int main(void) {
  unsigned long long lines = 0, words = 0, bytes = 0, longest = 0, line = 0;
  unsigned long long alpha = 0, digit = 0, counts[256] = {0};
  int in_word = 0, c;
  while ((c = getc(stdin)) != EOF) {
    ++bytes;
    ++counts[c];
    if (isalpha(c)) ++alpha;
    if (isdigit(c)) ++digit;
    if (c == '\n') {
      ++lines;
      if (line > longest) longest = line;
      line = 0;
    } else {
      ++line;
    }
    if (isspace(c)) {
      in_word = 0;
    } else if (!in_word) {
      in_word = 1;
      ++words;
    }
  }
  if (line > longest) longest = line;
  printf("lines=%llu words=%llu bytes=%llu longest=%llu\n", lines, words, bytes,
         longest);
  printf("alpha=%llu digit=%llu histogram=%016llx\n", alpha, digit,
         (unsigned long long)fnv(FNV_INIT, counts, sizeof counts));
  return ferror(stdin) ? 1 : 0;
}
