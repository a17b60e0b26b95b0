// Several preopens at once, as wasi-libc sees them: the list (fd, name),
// longest-prefix choice between a directory and one mounted inside it, a
// preopen named "." serving relative paths, renames and links between
// preopens, and ".." that would cross from one preopen into another
// (refused: each preopen is its own sandbox). argv[1] "root": a single
// preopen mounted at "/".
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#include "common.h"

static void report(const char* what, int r) {
  printf("%-44s %s\n", what, result_of(r));
}

static int write_file(const char* path, const char* text) {
  const int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
  if (fd < 0) return -1;
  const ssize_t n = write(fd, text, strlen(text));
  close(fd);
  return n == (ssize_t)strlen(text) ? 0 : -1;
}

static void list_preopens(void) {
  for (__wasi_fd_t fd = 3;; ++fd) {
    __wasi_prestat_t prestat;
    if (__wasi_fd_prestat_get(fd, &prestat) != 0) break;
    char name[256] = {0};
    if (prestat.u.dir.pr_name_len >= sizeof name ||
        __wasi_fd_prestat_dir_name(fd, (uint8_t*)name,
                                   prestat.u.dir.pr_name_len) != 0)
      break;
    printf("preopen fd %u: \"%s\"\n", (unsigned)fd, name);
  }
}

int main(int argc, char** argv) {
  list_preopens();
  if (argc > 1 && strcmp(argv[1], "root") == 0) {
    report("write /top.txt", write_file("/top.txt", "top"));
    report("mkdir /dir", mkdir("/dir", 0755));
    report("write dir/rel.txt (cwd /)", write_file("dir/rel.txt", "rel"));
    report("open /..", open("/..", O_RDONLY | O_DIRECTORY));
    report("open /../escape", open("/../escape", O_CREAT | O_WRONLY, 0644));
    report("open /dir/../../escape",
           open("/dir/../../escape", O_CREAT | O_WRONLY, 0644));
    struct stat st;
    report("stat /dir/rel.txt", stat("/dir/rel.txt", &st));
    return 0;
  }
  report("write /a/one.txt", write_file("/a/one.txt", "one"));
  report("write /a/nested/two.txt", write_file("/a/nested/two.txt", "two"));
  report("write rel.txt", write_file("rel.txt", "rel"));
  report("write ./sub-rel.txt", write_file("./sub-rel.txt", "rel"));
  report("open /a/nested/../one.txt", open("/a/nested/../one.txt", O_RDONLY));
  report("open /a/one.txt", open("/a/one.txt", O_RDONLY));
  report("rename /a/one.txt to moved.txt", rename("/a/one.txt", "moved.txt"));
  report("link /a/nested/two.txt as /a/two-link",
         link("/a/nested/two.txt", "/a/two-link"));
  struct stat st;
  report("stat /a/two-link", stat("/a/two-link", &st));
  printf("nlink %d\n", (int)st.st_nlink);
  report("mkdir /a/nested (the mount point)", mkdir("/a/nested", 0755));
  report("open /b (no such preopen)", open("/b", O_RDONLY));
  return 0;
}
