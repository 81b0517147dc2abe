// `idtrail` as bin/idtrail.js runs it, but from the TypeScript sources (see ts-hooks.mjs).
import { main } from '../../cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    process.stderr.write(`idtrail: ${err?.message ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
