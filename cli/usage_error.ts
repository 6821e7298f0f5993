/** Bad usage, found by the command or one of its modules: the CLI prints the message and exits 2. */
export class UsageError extends Error {}
