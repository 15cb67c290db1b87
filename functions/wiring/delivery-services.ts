// What the Sender and SesEvents functions need: stores, the mailer and the link signer, but no renderer,
// so their bundles carry no MJML.
import { createDynamoDeliveryStore } from '../adapters/dynamo-delivery-store.ts';
import { createDynamoIssueStore } from '../adapters/dynamo-issue-store.ts';
import { createDynamoSubscriberStore } from '../adapters/dynamo-subscriber-store.ts';
import { createSesMailer } from '../adapters/ses-mailer.ts';
import type { Clock, DeliveryStore, Edition, IssueStore, Mailer } from '../domain/ports.ts';
import type { Language } from '../domain/reference.ts';
import type { SubscriberRepository } from '../domain/subscribers.ts';
import { createTokens, type Tokens } from '../domain/tokens.ts';
import { createClients, tokenKey, type Clients } from './clients.ts';
import { loadConfig, type Config } from './config.ts';

export interface DeliveryServices {
  config: Config;
  issues: IssueStore;
  deliveries: DeliveryStore;
  subscribers: SubscriberRepository;
  mailer: Mailer;
  tokens: Tokens;
  clock: Clock;
  publicUrl: string;
  /** A language's edition, read once per warm process: editions never change after the send starts. */
  edition(issueId: string, language: Language): Promise<Edition | undefined>;
}

export async function createDeliveryServices(
  config: Config,
  clients: Clients = createClients(),
  overrides: { wrapMailer?: (ses: Mailer) => Mailer } = {},
): Promise<DeliveryServices> {
  const issues = createDynamoIssueStore(clients.dynamo, config.tables.issues);
  const editions = new Map<string, Promise<Edition | undefined>>();
  const ses = createSesMailer(clients.ses, {
    fromAddress: config.fromAddress,
    configurationSet: config.configurationSet,
  });
  return {
    config,
    issues,
    deliveries: createDynamoDeliveryStore(clients.dynamo, config.tables.deliveries),
    subscribers: createDynamoSubscriberStore(clients.dynamo, config.tables.subscribers),
    mailer: overrides.wrapMailer ? overrides.wrapMailer(ses) : ses,
    tokens: createTokens(await tokenKey(config, clients)),
    clock: { now: () => new Date() },
    publicUrl: config.publicUrl,
    edition(issueId, language) {
      const key = `${issueId}#${language}`;
      let found = editions.get(key);
      if (!found) {
        found = issues.getEdition(issueId, language);
        editions.set(key, found);
        // A miss is not kept: the edition may be stored a moment later.
        void found.then((e) => e ?? editions.delete(key));
      }
      return found;
    },
  };
}

let fromEnvironment: Promise<DeliveryServices> | undefined;
/** The Sender's and SesEvents' services, made on first use from the environment. */
export function deliveryServicesFromEnvironment(): Promise<DeliveryServices> {
  fromEnvironment ??= createDeliveryServices(loadConfig());
  return fromEnvironment;
}
