/**
 * The part of a Lambda HTTP event this adapter reads. Structural, so API Gateway REST (payload
 * v1), HTTP API (payload v2), Function URL and ALB events all fit, typed with `@types/aws-lambda`
 * or with your own type, and no AWS package is needed at runtime.
 */
export interface LambdaHttpEvent {
  /**
   * Header name → value. Names keep the sender's case in REST and ALB events and are lower-cased in
   * HTTP API v2 and Function URL events, which join a repeated header's values with commas.
   */
  readonly headers?: Readonly<Record<string, string | undefined>> | null | undefined;
  /** REST v1 and ALB (multi-value headers on): every value of every header, in order. */
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[] | undefined>> | null | undefined;
  /** The request body: the bytes as text, or their base64 when `isBase64Encoded` is true. */
  readonly body?: string | null | undefined;
  /** Whether `body` is base64 of the bytes received, which API Gateway and ALB decide per request. */
  readonly isBase64Encoded?: boolean | undefined;
}
