// Runs a wasm32-wasi command module under node's WASI (preview1).
// Usage: node [v8 flags] node_runner.mjs PROGRAM.wasm [ARGS...]
// The program's exit code becomes node's exit code.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import { basename } from 'node:path';

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error('usage: node node_runner.mjs PROGRAM.wasm [ARGS...]');
  process.exit(2);
}
const wasi = new WASI({
  version: 'preview1',
  args: [basename(file), ...rest],
  env: {},
  preopens: {},
  returnOnExit: true,
});
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
const code = wasi.start(instance);
process.exitCode = code ?? 0;
