import { generic } from "./generic";
import { github } from "./github";
import { incidentio } from "./incidentio";
import { jira } from "./jira";
import { notion } from "./notion";
import { pagerduty } from "./pagerduty";
import type { Provider, ProviderName } from "./provider";
import { slack } from "./slack";

/**
 * The providers the pipeline serves, one per name of PROVIDER_NAMES. Adding a provider is its
 * module in this folder, its name in PROVIDER_NAMES and its line here: the ingest handler, the
 * stack (routes, function, secret, outputs), the local runner, `npm run send` and the README's route
 * table follow from the registry.
 */
export const BUILT_IN_PROVIDERS: { readonly [Name in ProviderName]: Provider<Name> } = {
  slack,
  github,
  pagerduty,
  incidentio,
  jira,
  notion,
  generic,
};
