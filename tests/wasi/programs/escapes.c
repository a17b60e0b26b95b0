// Trying to leave the preopened directory /data every way a C program can:
// "..", absolute host paths, host symlinks pointing out (to /etc, to a file
// and a directory beside the preopen, dangling), symlinks the program makes
// itself, a symlink loop, renames and links across the boundary, creating
// through an outward link, metadata calls on outward paths, chdir. Prints
// the errno name of every attempt (escapes.expected); reading an outward
// link's text is allowed, as is anything on a link itself. wasi_test.sh
// prepares /data (see escapes.run) and checks afterwards that nothing
// outside it was created, removed or modified.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#include "common.h"

static void report(const char* what, int r) {
  printf("%-48s %s\n", what, result_of(r));
}

// open() with `flags`, closed again; the attempt's outcome.
static void try_open(const char* path, int flags) {
  char what[160];
  snprintf(what, sizeof what, "open %s%s%s", path,
           flags & O_CREAT ? " O_CREAT" : "",
           flags & O_DIRECTORY ? " O_DIRECTORY" : "");
  const int fd = open(path, flags, 0644);
  report(what, fd);
  if (fd >= 0) {
    char buf[64] = {0};
    if (read(fd, buf, sizeof buf - 1) > 0) printf("  READ: %s\n", buf);
    close(fd);
  }
}

static void try_stat(const char* path) {
  char what[160];
  struct stat st;
  snprintf(what, sizeof what, "stat %s", path);
  report(what, stat(path, &st));
}

int main(void) {
  // "..": straight, after a detour, doubled slashes, dots.
  try_open("/data/..", O_RDONLY | O_DIRECTORY);
  try_open("/data/../outside.txt", O_RDONLY);
  try_open("/data/./../outside.txt", O_RDONLY);
  try_open("/data//../outside.txt", O_RDONLY);
  try_open("/data/sub/../../outside.txt", O_RDONLY);
  try_open("/data/sub/../../../../../etc/passwd", O_RDONLY);
  try_open("/data/../x", O_CREAT | O_WRONLY);
  // Absolute host paths are no guest paths.
  try_open("/etc/passwd", O_RDONLY);
  try_open("/outside.txt", O_RDONLY);
  try_open("/", O_RDONLY | O_DIRECTORY);
  // Host symlinks pointing out.
  try_open("/data/etc_link/passwd", O_RDONLY);
  try_open("/data/etc_link", O_RDONLY | O_DIRECTORY);
  try_open("/data/out_link", O_RDONLY);
  try_open("/data/outdir_link/f", O_RDONLY);
  try_open("/data/sub/up_link/outside.txt", O_RDONLY);
  // Creating through them.
  try_open("/data/outdir_link/new", O_CREAT | O_WRONLY);
  try_open("/data/dangling_out", O_CREAT | O_WRONLY);
  try_open("/data/out_link", O_CREAT | O_WRONLY);
  // A symlink loop.
  try_open("/data/loop_a", O_RDONLY);
  // Links the program makes: pointing out, absolute, up and back in.
  report("symlink ../outside.txt as /data/mine",
         symlink("../outside.txt", "/data/mine"));
  try_open("/data/mine", O_RDONLY);
  report("symlink /etc/passwd as /data/mine_abs",
         symlink("/etc/passwd", "/data/mine_abs"));
  try_open("/data/mine_abs", O_RDONLY);
  report("symlink ../data/inside.txt as /data/via_up",
         symlink("../data/inside.txt", "/data/via_up"));
  try_open("/data/via_up", O_RDONLY);
  report("symlink sub/../inside.txt as /data/inner",
         symlink("sub/../inside.txt", "/data/inner"));
  try_open("/data/inner", O_RDONLY);  // stays inside: allowed
  // Reading a link's text is no escape; following it is.
  char target[128] = {0};
  const ssize_t n = readlink("/data/out_link", target, sizeof target - 1);
  report("readlink /data/out_link", (int)n);
  if (n > 0) printf("  target: %s\n", target);
  report("readlink /data/../out_link",
         (int)readlink("/data/../out_link", target, sizeof target));
  struct stat st;
  report("lstat /data/out_link", lstat("/data/out_link", &st));
  try_stat("/data/out_link");
  try_stat("/data/etc_link/passwd");
  try_stat("/data/..");
  try_stat("/etc/passwd");
  report("access /data/out_link", access("/data/out_link", F_OK));
  // Moving and linking across the boundary, either way.
  report("rename inside.txt to /data/../stolen",
         rename("/data/inside.txt", "/data/../stolen"));
  report("rename inside.txt to outdir_link/stolen",
         rename("/data/inside.txt", "/data/outdir_link/stolen"));
  report("rename outdir_link/f into /data",
         rename("/data/outdir_link/f", "/data/pulled_in"));
  report("rename /data/../outside.txt into /data",
         rename("/data/../outside.txt", "/data/pulled_in"));
  report("link inside.txt to outdir_link/hard",
         link("/data/inside.txt", "/data/outdir_link/hard"));
  report("link /data/../outside.txt into /data",
         link("/data/../outside.txt", "/data/hard_in"));
  // A hard link to what an outward symlink names. (Straight to WASI: the
  // wasi-libc of Debian's 2022 package hands linkat's two paths over in one
  // buffer, so that AT_SYMLINK_FOLLOW links the new name to itself.)
  const __wasi_errno_t e = __wasi_path_link(
      3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "out_link", 3, "hard_out");
  printf("%-48s %s\n", "path_link out_link following it", errname(e));
  // Changing things outside.
  report("mkdir outdir_link/newdir", mkdir("/data/outdir_link/newdir", 0755));
  report("mkdir /data/../newdir", mkdir("/data/../newdir", 0755));
  report("unlink outdir_link/f", unlink("/data/outdir_link/f"));
  report("unlink /data/../outside.txt", unlink("/data/../outside.txt"));
  report("rmdir /data/../outside_dir", rmdir("/data/../outside_dir"));
  report("rmdir /data/..", rmdir("/data/.."));
  report("truncate out_link", truncate("/data/out_link", 0));
  report("symlink made at /data/../made_link",
         symlink("x", "/data/../made_link"));
  struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
  report("utimensat out_link (following)",
         utimensat(AT_FDCWD, "/data/out_link", times, 0));
  report("utimensat out_link itself",
         utimensat(AT_FDCWD, "/data/out_link", times, AT_SYMLINK_NOFOLLOW));
  // The preopen's fd used directly, and chdir.
  report("openat(3, ../outside.txt)", openat(3, "../outside.txt", O_RDONLY));
  report("chdir /data/etc_link", chdir("/data/etc_link"));
  report("chdir /data/..", chdir("/data/.."));
  report("chdir /data", chdir("/data"));
  try_open("../outside.txt", O_RDONLY);
  try_open("inside.txt", O_RDONLY);  // relative to the cwd: allowed
  DIR* dir = opendir("/data/outdir_link");
  report("opendir outdir_link", dir ? 0 : -1);
  if (dir) closedir(dir);
  return 0;
}
