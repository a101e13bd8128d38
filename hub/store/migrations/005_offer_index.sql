-- The offers an agent holds, found by index: an agent leaving, going away or connecting read every
-- handoff (packets and all) to find them, which made 1,000 agents dropping at once with 3,000
-- offers keep the hub busy for half a minute.
create index handoffs_offered_to on handoffs using gin (offer_agent_ids) where status = 'offered';
