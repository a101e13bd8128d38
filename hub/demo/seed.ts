import type { Db } from '../store/db.ts';
import { createAgent, createIntegration, upsertTeam } from '../admin/accounts.ts';

/** The documented demo credentials (README.md, docs/protocol.md); a demo hub binds to loopback only. */
export const DEMO = {
  team: 'support',
  agents: [
    { id: 'demo-ana', name: 'Ana', role: 'agent', token: 'demo-ana' },
    { id: 'demo-ben', name: 'Ben', role: 'agent', token: 'demo-ben' },
    { id: 'demo-lee', name: 'Lee', role: 'lead', token: 'demo-lee' },
  ],
  integration: { name: 'demo-bot', key: 'demo-integration-key', signingSecret: 'demo-signing-secret' },
} as const;

const DEMO_SKILLS = ['billing', 'technical', 'accounts'];

/** Seeds the demo team, people and integration once; a restart keeps what is there. */
export async function seedDemo(db: Db): Promise<void> {
  await db.transaction(async (q) => {
    await upsertTeam(q, { name: DEMO.team });
    for (const person of DEMO.agents) {
      const { rows } = await q.query('select 1 from agents where id = $1', [person.id]);
      if (!rows[0]) await createAgent(q, { ...person, team: DEMO.team, skills: DEMO_SKILLS, capacity: 3 });
    }
    const { rows } = await q.query('select 1 from integrations where name = $1', [DEMO.integration.name]);
    if (!rows[0]) await createIntegration(q, { ...DEMO.integration, team: DEMO.team });
  });
}
