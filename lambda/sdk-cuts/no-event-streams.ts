// Bundled in place of @smithy/core/event-streams (see tools/build.mjs). Event streams serve only
// InvokeEndpointWithResponseStream; the function sends InvokeEndpointCommand, whose response is a plain body.
// The client still wires a marshaller into its config at construction, so these keep that shape, and fail
// loudly if anything ever tries to encode or decode an event stream with them.

const NOT_BUNDLED =
  "event streams are not bundled in the inference function (it sends InvokeEndpoint, not InvokeEndpointWithResponseStream)";

function notBundled(): never {
  throw new Error(NOT_BUNDLED);
}

/** What the client's runtime config provides as `eventStreamSerdeProvider`. */
export const eventStreamSerdeProvider = () => ({ serialize: notBundled, deserialize: notBundled });

/** The real resolver, verbatim: the client calls it for every configuration. */
export const resolveEventStreamSerdeConfig = <T extends { eventStreamSerdeProvider: (config: T) => unknown }>(
  input: T,
) => Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });

/** Loaded by the protocol only to (de)serialise an event stream. */
export class EventStreamSerde {
  constructor() {
    notBundled();
  }
}
