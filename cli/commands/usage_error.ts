/** Bad usage found by a command module: the CLI prints the message and exits 2. */
export class CommandUsageError extends Error {}
