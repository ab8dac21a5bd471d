import { namespacedDeliveryKey } from "../envelope/delivery-key";
import { github } from "../providers/github";

/** GitHub's webhook route: ingest and the router key its deliveries under it. */
export const GITHUB_ROUTE = github.routes[0]!.path;

/** The namespaced delivery key the pipeline holds a GitHub delivery under (`/webhooks/github:<guid>`). */
export const deliveryKeyOfGuid = (guid: string): string =>
  namespacedDeliveryKey({ route: GITHUB_ROUTE, delivery_key: guid });
