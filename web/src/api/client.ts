/** The typed API client: generated from the API's OpenAPI document at build time, so a
 * changed route or model that the app relies on fails `npm run build`. */
import createClient, { type Client } from "openapi-fetch";
import { errorOfResponse, networkError, ApiError } from "./errors";
import type { components, paths } from "./schema";

export type Api = Client<paths>;
export type Schemas = components["schemas"];

/** A client for `apiUrl` (…/api/v1) that signs every request with the user's ID token. */
export function createApi(apiUrl: string, idToken: () => Promise<string | null>): Api {
  const api = createClient<paths>({ baseUrl: apiUrl.replace(/\/api\/v1$/, "") });
  api.use({
    async onRequest({ request }) {
      const token = await idToken();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
  });
  return api;
}

type Outcome<D> = { data?: D; error?: unknown; response: Response };

/** The answer's data, or an ApiError for a refusal, a server fault or no network. */
export async function unwrap<D>(pending: Promise<Outcome<D>>): Promise<D> {
  let outcome: Outcome<D>;
  try {
    outcome = await pending;
  } catch (cause) {
    throw cause instanceof ApiError ? cause : networkError(cause);
  }
  if (outcome.error !== undefined || !outcome.response.ok) {
    throw errorOfResponse(outcome.response, outcome.error);
  }
  return outcome.data as D;
}
