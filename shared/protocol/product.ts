// Product items: feature requests and bug reports that agents route from handoffs, deduplicated
// (one item, many handoffs), counted (each customer once) and tracked (status) until the loop is
// closed. The socket commands are listed in socket.ts's COMMANDS with the others; their schemas,
// the item's shapes, the `product_item.updated` webhook's fields and what connectors send live here.
import { z } from 'zod';
import { maxUnits } from './units.ts';
import { Handoff, Person, ProductKind, RoutedProduct } from './handoff.ts';

const timestamp = z.iso.datetime({ offset: true });
const opId = z.uuid();
const note = z.string().trim().min(1, 'must not be empty').check(maxUnits(4_000));
const longText = z.string().check(maxUnits(20_000));
export const productItemId = z.string().min(1).check(maxUnits(100));

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** `new` → `planned` → `in_progress` → `done`, or `wont_do`; a lead (or the product tool) may set any. */
export const PRODUCT_STATUSES = ['new', 'planned', 'in_progress', 'done', 'wont_do'] as const;
export const ProductStatus = z.enum(PRODUCT_STATUSES);
export type ProductStatus = z.infer<typeof ProductStatus>;

/** Where a team's items go: GitHub Issues, Jira Cloud, Linear, or a signed generic webhook. */
export const CONNECTOR_KINDS = ['github', 'jira', 'linear', 'webhook'] as const;
export const ConnectorKind = z.enum(CONNECTOR_KINDS);
export type ConnectorKind = z.infer<typeof ConnectorKind>;

/** The issue a connector created for an item (no credentials: only what a person may click). */
export const ExternalRef = z.object({
  connectorId: z.string(),
  kind: ConnectorKind,
  /** The service's own id: GitHub issue number, Jira issue id, Linear issue id, or what a webhook receiver answered. */
  externalId: z.string(),
  /** What people call it: `owner/repo#12`, `PROJ-12`, `ENG-12`; null when the service has none. */
  key: z.string().nullable(),
  url: z.string().nullable(),
});
export type ExternalRef = z.infer<typeof ExternalRef>;

/** A product item as apps, webhooks and connectors see it. */
export const ProductItem = z.object({
  id: z.string(),
  team: z.string(),
  kind: ProductKind,
  title: z.string(),
  details: z.string(),
  /** Bug reports only (null otherwise, and when the agent did not say). */
  severity: Severity.nullable(),
  stepsToReproduce: z.string().nullable(),
  expected: z.string().nullable(),
  actual: z.string().nullable(),
  status: ProductStatus,
  /** The note that came with the latest status change (a lead's, or the product tool's). */
  statusNote: z.string().nullable(),
  /** Distinct customers linked to it (each counts once however many conversations they had). */
  customerCount: z.number().int().nonnegative(),
  /** Handoffs (conversations) linked to it. */
  handoffCount: z.number().int().nonnegative(),
  external: z.array(ExternalRef),
  /** The agent who filed it. */
  createdBy: Person.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type ProductItem = z.infer<typeof ProductItem>;

/** Who changed an item: an agent (filed it, linked a handoff), a lead, or a connector's incoming event. */
export const ProductActor = z.object({ kind: z.enum(['agent', 'lead', 'connector']), id: z.string(), name: z.string() });
export type ProductActor = z.infer<typeof ProductActor>;

export const PRODUCT_EVENT_TYPES = ['created', 'linked', 'status_changed'] as const;
export const ProductItemEvent = z.object({
  type: z.enum(PRODUCT_EVENT_TYPES),
  at: timestamp,
  actor: ProductActor,
  /** On `created` and `linked`: the handoff routed to it. */
  handoffId: z.string().optional(),
  /** On `status_changed`. */
  status: ProductStatus.optional(),
  previousStatus: ProductStatus.optional(),
  note: z.string().optional(),
});
export type ProductItemEvent = z.infer<typeof ProductItemEvent>;

/**
 * A customer linked to an item. Identity: `packet.customer.id`, else the email (case-insensitive),
 * else the handoff itself (an anonymous customer, who counts once per conversation).
 */
export const ProductCustomer = z.object({
  key: z.string(),
  anonymous: z.boolean(),
  customerId: z.string().nullable(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  tier: z.string().nullable(),
  /** Their handoffs linked to the item, oldest first. */
  handoffIds: z.array(z.string()),
  firstLinkedAt: timestamp,
});
export type ProductCustomer = z.infer<typeof ProductCustomer>;

/** One handoff linked to an item, with its packet: the conversation one click away. */
export const ProductLink = z.object({
  handoff: Handoff,
  customerKey: z.string(),
  routedBy: Person,
  linkedAt: timestamp,
  routed: RoutedProduct,
});
export type ProductLink = z.infer<typeof ProductLink>;

// ---------------------------------------------------------------------------------------------
// Commands (listed in socket.ts's COMMANDS)

const BUG_FIELDS = ['severity', 'stepsToReproduce', 'expected', 'actual'] as const;
const BUG_FIELD_NAMES: Record<(typeof BUG_FIELDS)[number], string> = {
  severity: 'a severity',
  stepsToReproduce: 'steps to reproduce',
  expected: 'an expected result',
  actual: 'an actual result',
};

/**
 * Ends the agent's handoff by routing it to the product team, in one transaction with the item:
 * without `productItemId` it files a new item (`title` and `details` required); with it, the
 * handoff and its customer are added to that item (`kind` must match; `title`, `details` and the
 * bug fields are then optional notes about this case and do not change the item).
 */
export const RouteToProductCommand = z
  .strictObject({
    opId,
    handoffId: z.string().min(1).check(maxUnits(100)),
    kind: ProductKind,
    title: z.string().trim().min(1, 'must not be empty').check(maxUnits(200)).optional(),
    details: longText.optional(),
    severity: Severity.optional(),
    stepsToReproduce: longText.optional(),
    expected: longText.optional(),
    actual: longText.optional(),
    productItemId: productItemId.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.kind !== 'bug_report') {
      for (const field of BUG_FIELDS) {
        if (c[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `only bug reports have ${BUG_FIELD_NAMES[field]}` });
      }
    }
    if (c.productItemId === undefined) {
      for (const field of ['title', 'details'] as const) {
        if (c[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'is required (unless productItemId names an existing item)' });
      }
    }
  });

/** A read for the routing form: similar items of the team while the agent types. */
export const SuggestProductsCommand = z.strictObject({
  /** Accepted (clients add one to every command) and ignored: a read stores nothing. */
  opId: opId.optional(),
  query: z.strictObject({
    kind: ProductKind.optional(),
    title: z.string().check(maxUnits(200)),
    details: longText.optional(),
  }),
  /** Default: your team. Items of other teams are not visible (`forbidden`). */
  team: z.string().min(1).check(maxUnits(200)).optional(),
});

export const PRODUCT_SORTS = ['customers', 'updated', 'created'] as const;
/** A lead's read: the team's items, filtered. */
export const ListProductsCommand = z.strictObject({
  opId: opId.optional(),
  filters: z
    .strictObject({
      kind: ProductKind.optional(),
      /** Any of these statuses. */
      status: z.array(ProductStatus).min(1).max(PRODUCT_STATUSES.length).optional(),
      /** Similar to the title or details (the same similarity as suggestions). */
      text: z.string().trim().min(1).check(maxUnits(200)).optional(),
    })
    .optional(),
  /** `customers` (default: most customers first), `updated` or `created` (newest first). */
  sort: z.enum(PRODUCT_SORTS).optional(),
  /** Default 200. */
  limit: z.number().int().min(1).max(500).optional(),
});

/** A lead's read: one item with its customers, linked handoffs (with packets) and history. */
export const GetProductCommand = z.strictObject({ opId: opId.optional(), productItemId });

/** A lead of the item's team changes its status; every linked handoff's bot hears of it. */
export const SetProductStatusCommand = z.strictObject({ opId, productItemId, status: ProductStatus, note: note.optional() });

export const ProductSuggestion = z.object({
  item: ProductItem,
  /** 0..1: the trigram similarity of the query to the item's title and details. */
  score: z.number().min(0).max(1),
});
export type ProductSuggestion = z.infer<typeof ProductSuggestion>;

/** At most this many suggestions, best first; none below SUGGESTION_THRESHOLD. */
export const MAX_SUGGESTIONS = 5;
export const SUGGESTION_THRESHOLD = 0.3;

export const PRODUCT_COMMANDS = {
  'product:suggest': SuggestProductsCommand,
  'product:list': ListProductsCommand,
  'product:get': GetProductCommand,
  'product:setStatus': SetProductStatusCommand,
} as const;

export const PRODUCT_COMMAND_RESULTS = {
  'product:suggest': z.object({ suggestions: z.array(ProductSuggestion) }),
  'product:list': z.object({ items: z.array(ProductItem) }),
  'product:get': z.object({
    item: ProductItem,
    customers: z.array(ProductCustomer),
    /** Oldest first. */
    links: z.array(ProductLink),
    /** Oldest first. */
    events: z.array(ProductItemEvent),
  }),
  'product:setStatus': z.object({ item: ProductItem }),
} as const;

/** The product commands that only read (no opId is stored; repeat them freely). */
export const PRODUCT_READ_COMMANDS = ['product:suggest', 'product:list', 'product:get'] as const;

/** How an item's status changed, in `product_item.updated` and `product:changed`. */
export const ProductStatusChange = z.object({
  from: ProductStatus,
  to: ProductStatus,
  note: z.string().nullable(),
  by: ProductActor,
});
export type ProductStatusChange = z.infer<typeof ProductStatusChange>;

/**
 * Server → client: an item was filed, gained a handoff, got an external issue, or changed status.
 * To the team's leads and to every agent who routed a handoff to it.
 */
export const ProductChangedEvent = z.object({
  item: ProductItem,
  /** Only when this event announces a status change (not a filing, a new handoff or an issue): how it changed. */
  change: ProductStatusChange.optional(),
  /** To an agent who routed handoffs to the item: those handoffs, oldest first (leads get none). */
  handoffIds: z.array(z.string()).optional(),
});

// ---------------------------------------------------------------------------------------------
// Webhooks and connectors

/** A linked handoff's customer, as a connector's issue or comment names them. */
export const ConnectorCustomer = ProductCustomer.omit({ handoffIds: true, firstLinkedAt: true }).extend({
  /** First time this customer is linked to the item (false: they asked again in another conversation). */
  isNew: z.boolean(),
});
export type ConnectorCustomer = z.infer<typeof ConnectorCustomer>;

/** The routing of one handoff to an item, as connectors receive it. */
export const ConnectorLink = z.object({
  handoffId: z.string(),
  customer: ConnectorCustomer,
  /** The conversation in the tool agents use (`packet.source`). */
  conversation: z.object({ platform: z.string().nullable(), conversationId: z.string().nullable(), url: z.string().nullable() }),
  routedBy: Person,
  routedAt: timestamp,
  routed: RoutedProduct,
});
export type ConnectorLink = z.infer<typeof ConnectorLink>;

export const CONNECTOR_WEBHOOK_TYPES = ['product_item.created', 'product_item.linked'] as const;
/** What the generic webhook connector POSTs (signed with `Baton-Signature` and the connector's secret). */
export const ConnectorWebhookPayload = z.object({
  id: z.string(),
  type: z.enum(CONNECTOR_WEBHOOK_TYPES),
  at: timestamp,
  productItem: ProductItem,
  link: ConnectorLink,
});
export type ConnectorWebhookPayload = z.infer<typeof ConnectorWebhookPayload>;

/** What a generic webhook receiver may answer to `product_item.created`, to be recorded as the item's external issue. */
export const ConnectorWebhookAnswer = z.object({
  externalId: z.string().min(1).check(maxUnits(200)),
  key: z.string().min(1).check(maxUnits(200)).optional(),
  url: z.string().check(maxUnits(2_000)).optional(),
});

/** What the generic webhook's tool POSTs to `/v1/connectors/:id/events`, signed like Baton's webhooks. */
export const ConnectorStatusEvent = z.strictObject({
  productItemId,
  status: ProductStatus,
  note: note.optional(),
});
export type ConnectorStatusEvent = z.infer<typeof ConnectorStatusEvent>;

/** `POST /v1/connectors/:id/events` answers 200 with this (also for events it had no use for). */
export const ConnectorEventResponse = z.object({
  /** What the hub did: `updated` (a status changed), `unchanged` (already that status), `ignored` (`reason` says why). */
  result: z.enum(['updated', 'unchanged', 'ignored']),
  productItemId: z.string().optional(),
  status: ProductStatus.optional(),
  reason: z.string().optional(),
});
export type ConnectorEventResponse = z.infer<typeof ConnectorEventResponse>;
