// `herald <command>`: the command-line interface of the embedded stack.
import { runDemo } from './demo.ts';

const USAGE = `Usage: herald <command>

Commands:
  demo    send the sample issue end to end on a fresh embedded stack and print what went out
`;

const [command] = process.argv.slice(2);
switch (command) {
  case 'demo': {
    // The table is the demo's output; per-batch logs would bury it.
    process.env.LOG_LEVEL ??= 'warn';
    const ok = await runDemo();
    process.exit(ok ? 0 : 1);
    break;
  }
  case undefined:
  case 'help':
  case '--help':
    process.stdout.write(USAGE);
    break;
  default:
    process.stderr.write(`herald: unknown command "${command}"\n\n${USAGE}`);
    process.exit(2);
}
