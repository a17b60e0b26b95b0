/* A switch-based bytecode interpreter: a small stack machine with locals,
 * a data memory, conditional jumps and calls.  The guest program runs a
 * sieve of Eratosthenes, an LCG-driven histogram and a recursive gcd.
 * Size parameter: the guest's outer iteration count. */
#include "bench_common.h"

enum {
  OP_HALT, OP_PUSH, OP_POP, OP_DUP, OP_SWAP, OP_LOAD, OP_STORE, OP_ADD, OP_SUB,
  OP_MUL, OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR, OP_LT, OP_EQ, OP_JMP, OP_JZ,
  OP_JNZ, OP_MLOAD, OP_MSTORE, OP_INC, OP_CALL, OP_RET, OP_MODU, OP_ARG,
};

#define MAXCODE 1024
#define MEMSIZE 8192
typedef struct { int32_t code[MAXCODE]; uint32_t len; } prog_t;

static uint32_t emit(prog_t *p, int32_t op) { p->code[p->len] = op; return p->len++; }
static uint32_t emit2(prog_t *p, int32_t op, int32_t arg) {
  uint32_t at = emit(p, op); emit(p, arg); return at;
}
static void patch(prog_t *p, uint32_t at, uint32_t target) { p->code[at + 1] = (int32_t)target; }

typedef struct { uint32_t ret_pc; uint32_t fp; } frame_t;

static uint32_t run(const int32_t *code, uint32_t *mem, uint32_t entry) {
  uint32_t stack[256];
  uint32_t locals[16 * 65];
  frame_t frames[64];
  uint32_t sp = 0, pc = entry, fp = 0, depth = 0;
  for (;;) {
    int32_t op = code[pc++];
    switch (op) {
      case OP_HALT: return sp ? stack[sp - 1] : 0;
      case OP_PUSH: stack[sp++] = (uint32_t)code[pc++]; break;
      case OP_POP: sp--; break;
      case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case OP_SWAP: { uint32_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
      case OP_LOAD: stack[sp++] = locals[fp + (uint32_t)code[pc++]]; break;
      case OP_STORE: locals[fp + (uint32_t)code[pc++]] = stack[--sp]; break;
      case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
      case OP_OR: sp--; stack[sp - 1] |= stack[sp]; break;
      case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
      case OP_SHL: sp--; stack[sp - 1] <<= (stack[sp] & 31); break;
      case OP_SHR: sp--; stack[sp - 1] >>= (stack[sp] & 31); break;
      case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case OP_EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
      case OP_MODU: sp--; stack[sp - 1] = stack[sp] ? stack[sp - 1] % stack[sp] : 0; break;
      case OP_JMP: pc = (uint32_t)code[pc]; break;
      case OP_JZ: pc = stack[--sp] == 0 ? (uint32_t)code[pc] : pc + 1; break;
      case OP_JNZ: pc = stack[--sp] != 0 ? (uint32_t)code[pc] : pc + 1; break;
      case OP_MLOAD: stack[sp - 1] = mem[stack[sp - 1] % MEMSIZE]; break;
      case OP_MSTORE: sp -= 2; mem[stack[sp] % MEMSIZE] = stack[sp + 1]; break; /* addr value */
      case OP_INC: locals[fp + (uint32_t)code[pc]] += (uint32_t)code[pc + 1]; pc += 2; break;
      case OP_ARG: /* pop into local 0 of the callee frame about to be created */
        locals[fp + 16 + (uint32_t)code[pc++]] = stack[--sp]; break;
      case OP_CALL:
        if (depth == 63) return 0xDEADu;
        frames[depth].ret_pc = pc + 1; frames[depth].fp = fp; depth++;
        fp += 16; pc = (uint32_t)code[pc]; break;
      case OP_RET:
        depth--; pc = frames[depth].ret_pc; fp = frames[depth].fp; break;
      default: return 0xBADu;
    }
  }
}

/* Guest program. Locals of main: 0 outer, 1 i, 2 j, 3 acc, 4 seed, 5 n. */
static uint32_t build(prog_t *p, uint32_t outer) {
  p->len = 0;
  /* gcd(a=local0, b=local1) recursive: if b==0 return a else gcd(b, a%b) */
  uint32_t gcd = p->len;
  emit2(p, OP_LOAD, 1);
  uint32_t jz = emit2(p, OP_JZ, 0);
  emit2(p, OP_LOAD, 1); emit2(p, OP_ARG, 0);
  emit2(p, OP_LOAD, 0); emit2(p, OP_LOAD, 1); emit(p, OP_MODU); emit2(p, OP_ARG, 1);
  emit2(p, OP_CALL, (int32_t)gcd);
  emit(p, OP_RET);
  patch(p, jz, p->len);
  emit2(p, OP_LOAD, 0);
  emit(p, OP_RET);

  uint32_t entry = p->len;
  emit2(p, OP_PUSH, 0); emit2(p, OP_STORE, 3);
  emit2(p, OP_PUSH, 12345); emit2(p, OP_STORE, 4);
  emit2(p, OP_PUSH, (int32_t)outer); emit2(p, OP_STORE, 0);
  uint32_t outer_top = p->len;
  /* --- sieve over mem[0..4096): clear, then mark composites --- */
  emit2(p, OP_PUSH, 0); emit2(p, OP_STORE, 1);
  uint32_t clr = p->len;
  emit2(p, OP_LOAD, 1); emit2(p, OP_PUSH, 0); emit(p, OP_MSTORE);
  emit2(p, OP_INC, 1); emit(p, 1);
  emit2(p, OP_LOAD, 1); emit2(p, OP_PUSH, 4096); emit(p, OP_LT);
  emit2(p, OP_JNZ, (int32_t)clr);
  emit2(p, OP_PUSH, 2); emit2(p, OP_STORE, 1);
  uint32_t si = p->len;
  emit2(p, OP_LOAD, 1); emit(p, OP_MLOAD);
  uint32_t skip = emit2(p, OP_JNZ, 0);
  emit2(p, OP_LOAD, 1); emit(p, OP_DUP); emit(p, OP_ADD); emit2(p, OP_STORE, 2);
  uint32_t sj = p->len;
  emit2(p, OP_LOAD, 2); emit2(p, OP_PUSH, 4096); emit(p, OP_LT);
  uint32_t sj_end = emit2(p, OP_JZ, 0);
  emit2(p, OP_LOAD, 2); emit2(p, OP_PUSH, 1); emit(p, OP_MSTORE);
  emit2(p, OP_LOAD, 2); emit2(p, OP_LOAD, 1); emit(p, OP_ADD); emit2(p, OP_STORE, 2);
  emit2(p, OP_JMP, (int32_t)sj);
  patch(p, sj_end, p->len);
  /* acc = acc*31 + i for each prime i */
  emit2(p, OP_LOAD, 3); emit2(p, OP_PUSH, 31); emit(p, OP_MUL);
  emit2(p, OP_LOAD, 1); emit(p, OP_ADD); emit2(p, OP_STORE, 3);
  patch(p, skip, p->len);
  emit2(p, OP_INC, 1); emit(p, 1);
  emit2(p, OP_LOAD, 1); emit2(p, OP_PUSH, 4096); emit(p, OP_LT);
  emit2(p, OP_JNZ, (int32_t)si);
  /* --- LCG histogram into mem[4096 + (x>>24 & 255)] --- */
  emit2(p, OP_PUSH, 0); emit2(p, OP_STORE, 1);
  uint32_t lc = p->len;
  emit2(p, OP_LOAD, 4); emit2(p, OP_PUSH, 1103515245); emit(p, OP_MUL);
  emit2(p, OP_PUSH, 12345); emit(p, OP_ADD); emit(p, OP_DUP); emit2(p, OP_STORE, 4);
  emit2(p, OP_PUSH, 24); emit(p, OP_SHR); emit2(p, OP_PUSH, 255); emit(p, OP_AND);
  emit2(p, OP_PUSH, 4096); emit(p, OP_ADD);
  emit(p, OP_DUP); emit(p, OP_MLOAD); emit2(p, OP_PUSH, 1); emit(p, OP_ADD);
  emit(p, OP_MSTORE);
  emit2(p, OP_INC, 1); emit(p, 1);
  emit2(p, OP_LOAD, 1); emit2(p, OP_PUSH, 3000); emit(p, OP_LT);
  emit2(p, OP_JNZ, (int32_t)lc);
  /* --- acc ^= gcd(seed | 1, outer * 7919 + acc) --- */
  emit2(p, OP_LOAD, 4); emit2(p, OP_PUSH, 1); emit(p, OP_OR); emit2(p, OP_ARG, 0);
  emit2(p, OP_LOAD, 0); emit2(p, OP_PUSH, 7919); emit(p, OP_MUL);
  emit2(p, OP_LOAD, 3); emit(p, OP_ADD); emit2(p, OP_ARG, 1);
  emit2(p, OP_CALL, (int32_t)gcd);
  emit2(p, OP_LOAD, 3); emit(p, OP_XOR); emit2(p, OP_PUSH, 5); emit(p, OP_SHL);
  emit2(p, OP_LOAD, 3); emit2(p, OP_PUSH, 27); emit(p, OP_SHR); emit(p, OP_OR);
  emit2(p, OP_STORE, 3);
  /* outer loop */
  emit2(p, OP_INC, 0); emit(p, -1);
  emit2(p, OP_LOAD, 0); emit2(p, OP_JNZ, (int32_t)outer_top);
  emit2(p, OP_LOAD, 3);
  emit(p, OP_HALT);
  return entry;
}

int main(int argc, char **argv) {
  uint32_t outer = bench_size(argc, argv, 2000, 3);
  static prog_t prog;
  uint32_t entry = build(&prog, outer);
  uint32_t *mem = xmalloc(MEMSIZE * sizeof(uint32_t));
  memset(mem, 0, MEMSIZE * sizeof(uint32_t));
  uint32_t result = run(prog.code, mem, entry);
  uint64_t h = ck_mix(0, result);
  for (uint32_t i = 0; i < MEMSIZE; i++) h = ck_mix(h, mem[i]);
  print_checksum(h);
  free(mem);
  return 0;
}
