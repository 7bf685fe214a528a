/** One server-sent event as the tests read it. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * A minimal server-sent events reader over fetch for tests: collects events until `until` says
 * stop, then aborts the connection (a disconnect, as far as the relay can tell).
 */
export async function readEvents(
  url: string,
  until: (events: SseEvent[]) => boolean,
  headers: Record<string, string> = {},
): Promise<SseEvent[]> {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  if (response.status !== 200) throw new Error(`stream answered ${response.status}`);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  let buffer = "";
  try {
    while (!until(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        events.push(parseEvent(buffer.slice(0, end)));
        buffer = buffer.slice(end + 2);
      }
    }
  } finally {
    abort.abort();
  }
  return events;
}

function parseEvent(block: string): SseEvent {
  const event: SseEvent = { event: "message", data: "" };
  for (const line of block.split("\n")) {
    const colon = line.indexOf(":");
    const field = line.slice(0, colon);
    const value = line.slice(colon + 1).trimStart();
    if (field === "id") event.id = value;
    else if (field === "event") event.event = value;
    else if (field === "data") event.data = value;
  }
  return event;
}
