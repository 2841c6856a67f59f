export async function main(): Promise<void> {
  await Promise.resolve();
  process.stdout.write('gatepass\n');
}
