/** The first admin token, shown once on the terminal of whoever starts the service. */
export function printInitialToken(token: string): void {
  process.stdout.write(
    [
      '',
      '  No API token existed, so an admin token was created. It is shown this once and never again:',
      '',
      `    ${token}`,
      '',
      '  Use it as "Authorization: Bearer <token>". Make more with `uservm token create`.',
      '',
      '',
    ].join('\n'),
  );
}
