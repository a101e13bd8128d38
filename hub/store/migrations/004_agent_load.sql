-- Each agent's load (accepted handoffs not finished) and held offers, kept by a trigger on
-- handoffs in the same transaction as the change. Routing reads them for every new handoff;
-- counting them from the handoffs each time cost more the more work was open.
alter table agents add column load integer not null default 0;
alter table agents add column held_offers integer not null default 0;

update agents a set
  load = (select count(*) from handoffs h where h.status = 'accepted' and h.assignee_id = a.id),
  held_offers = (select count(*) from handoffs h where h.status = 'offered' and a.id = any(h.offer_agent_ids));

create function track_agent_load() returns trigger language plpgsql as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    if old.status = 'accepted' and old.assignee_id is not null then
      update agents set load = load - 1 where id = old.assignee_id;
    end if;
    if old.status = 'offered' and cardinality(old.offer_agent_ids) > 0 then
      update agents set held_offers = held_offers - 1 where id = any(old.offer_agent_ids);
    end if;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    if new.status = 'accepted' and new.assignee_id is not null then
      update agents set load = load + 1 where id = new.assignee_id;
    end if;
    if new.status = 'offered' and cardinality(new.offer_agent_ids) > 0 then
      update agents set held_offers = held_offers + 1 where id = any(new.offer_agent_ids);
    end if;
  end if;
  return null;
end
$$;

create trigger handoffs_agent_load_added after insert or delete on handoffs
  for each row execute function track_agent_load();

create trigger handoffs_agent_load_changed after update of status, assignee_id, offer_agent_ids on handoffs
  for each row
  when (old.status is distinct from new.status or old.assignee_id is distinct from new.assignee_id or old.offer_agent_ids is distinct from new.offer_agent_ids)
  execute function track_agent_load();

-- Routing's candidates: the team's available agents, least loaded first.
create index agents_routable on agents (team, (load + held_offers), idle_since nulls first, id) where role = 'agent' and connected and presence = 'available';
