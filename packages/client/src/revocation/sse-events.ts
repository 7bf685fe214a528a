/** One server-sent event: its `id`, `event` name and `data` (HTML Living Standard 9.2). */
export interface ServerSentEvent {
  id: string | undefined;
  event: string;
  data: string;
}

/** Largest event accepted; a revocation entry is a few kilobytes. */
const MAX_EVENT_CHARS = 1 << 20;

/**
 * Reads server-sent events from a response body, one at a time. Handles the parts of the
 * format the relay uses (`id`, `event`, `data` lines, comments, CRLF or LF line ends); an event
 * larger than 1 MiB ends the stream with a RangeError rather than growing without bound.
 *
 * @example
 * for await (const event of serverSentEvents(response.body!)) console.log(event.id, event.data);
 */
export async function* serverSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent> {
  let buffer = "";
  const decoder = new TextDecoder();
  const reader = body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replaceAll("\r\n", "\n");
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const event = parseEvent(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (event !== undefined) yield event;
    }
    if (buffer.length > MAX_EVENT_CHARS) throw new RangeError("event stream: event too large");
  }
}

function parseEvent(block: string): ServerSentEvent | undefined {
  const event: ServerSentEvent = { id: undefined, event: "message", data: "" };
  let fields = 0;
  for (const line of block.split("\n")) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    fields++;
    if (field === "id") event.id = value;
    else if (field === "event") event.event = value;
    else if (field === "data") event.data = event.data === "" ? value : `${event.data}\n${value}`;
  }
  return fields === 0 ? undefined : event;
}
