import { Command } from 'commander';

const program = new Command('vatp-audit').description('Audit and independent review for Hong Kong licensed VATPs');
await program.parseAsync(process.argv);
