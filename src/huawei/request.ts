/** One HTTP request as the action builds it, signs it and sends it. */
export interface OutgoingRequest {
  method: string
  url: URL
  /** Exactly the headers sent (the transport adds only User-Agent and Content-Length). */
  headers: Record<string, string>
  body?: string
}
