/** A delivery's body: `{"events": [...]}`, of the events' stored JSON texts as they are (no parse, no re-serialising). */
export function deliveryBody(eventJsons: readonly string[]): string {
  return `{"events":[${eventJsons.join(',')}]}`;
}
