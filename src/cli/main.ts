import { isWebhookVerificationError } from '../index.js';
import { UsageError } from './args.js';
import { demoCommand, DEMO_USAGE } from './demo-command.js';
import { consoleOutput, exitQuietlyOnClosedPipe, type Output } from './io.js';
import { queueCommand, QUEUE_USAGE } from './queue-command.js';
import { reconcileCommand, RECONCILE_USAGE } from './reconcile-command.js';
import { secretCommand, SECRET_USAGE } from './secret-command.js';
import { sendCommand, SEND_USAGE } from './send-command.js';
import { signCommand, SIGN_USAGE } from './sign-command.js';
import { simulateCommand, SIMULATE_USAGE } from './simulate-command.js';
import { verifyCommand, VERIFY_USAGE } from './verify-command.js';
import { version } from './version.js';

const USAGE = `Usage: managed-agents-webhooks <command> [options]

Commands:
  secret   print a fresh whsec_ secret
  sign     sign a delivery; print its headers and body, or a curl command
  send     POST signed sample deliveries to a handler; --attacks checks it refuses forgeries
  verify   verify a captured delivery and explain why it fails
  demo     run a local receiver and send it every event type and every attack
  queue    list or retry the dead letters of a managed-agents-webhooks/queue (BullMQ)
  reconcile  enqueue what changed since a time and was not handled (catch-up after an incident)
  simulate   a stand-in for the platform: sessions API + chaotic webhook sender, to rehearse incidents

Run "managed-agents-webhooks <command> --help" for a command's options, --version for the version.
Exit codes: 0 ok, 1 a check failed, 2 usage error, 141 output closed early (e.g. | head).`;

type Command = (args: string[], io: Output) => number | Promise<number>;

const COMMANDS: Record<string, [Command, string]> = {
  secret: [secretCommand, SECRET_USAGE],
  sign: [signCommand, SIGN_USAGE],
  send: [sendCommand, SEND_USAGE],
  verify: [verifyCommand, VERIFY_USAGE],
  demo: [demoCommand, DEMO_USAGE],
  queue: [queueCommand, QUEUE_USAGE],
  reconcile: [reconcileCommand, RECONCILE_USAGE],
  simulate: [simulateCommand, SIMULATE_USAGE],
};

/** Runs the CLI and resolves to its exit code. */
async function main(argv: string[], io: Output = consoleOutput): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.out(version());
    return 0;
  }
  const entry = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (entry === undefined) {
    io.err(`unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  const [command, usage] = entry;
  try {
    return await command(args, io);
  } catch (error) {
    // A bad secret or id given on the command line is the caller's mistake, like a bad flag.
    if (error instanceof UsageError || isWebhookVerificationError(error)) {
      io.err(`error: ${error.message}\n\n${usage}`);
      return 2;
    }
    throw error;
  }
}

exitQuietlyOnClosedPipe();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
