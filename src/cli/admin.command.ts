/**
 * `paperboy admin grant EMAIL ROLE`: gives an account a role (user, moderator, admin), creating the account when the
 * address has none yet so the new moderator can simply sign in. Recorded in the public moderation log.
 * `paperboy admin recount`: recounts every voted paper's votes and trending score now (the server does it every 10 min).
 */
import type { Command } from 'commander';
import { z } from 'zod';
import type { Config } from '../config.js';
import { openStore } from '../main.js';
import { ModerationService, ROLES } from '../services/moderation.service.js';
import { VoteService } from '../services/vote.service.js';

export function registerAdminCommand(program: Command, configFrom: (flags: object) => Config): void {
  const admin = program.command('admin').description('operator tasks: roles, recounts');

  admin
    .command('grant')
    .description(`give the account with EMAIL a role (${ROLES.join(', ')}); creates the account if needed`)
    .argument('<email>', 'the member’s email address')
    .argument('<role>', ROLES.join(' | '))
    .action(async (email: string, role: string, _flags: object, cmd: Command) => {
      if (!z.email().safeParse(email.trim()).success) throw new Error(`"${email}" is not an email address (name@example.org).`);
      if (!ROLES.includes(role as (typeof ROLES)[number])) throw new Error(`Unknown role "${role}": use one of ${ROLES.join(', ')}.`);
      const store = await openStore(configFrom(cmd.optsWithGlobals()));
      try {
        const user = await new ModerationService(store).grant(email, role);
        console.log(`${user.email} (member ${user.id}) is now ${role}. They sign in with their address as usual.`);
      } finally {
        await store.close();
      }
    });

  admin
    .command('recount')
    .description('recount the votes and trending score of every voted paper now')
    .action(async (_flags: object, cmd: Command) => {
      const store = await openStore(configFrom(cmd.optsWithGlobals()));
      try {
        const n = await new VoteService(store).recountAll();
        console.log(`Recounted ${n} papers.`);
      } finally {
        await store.close();
      }
    });
}
