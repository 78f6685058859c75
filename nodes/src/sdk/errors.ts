/**
 * A step failure worth retrying (per the node's retry policy): a timeout, a 5xx, a
 * dropped connection. `details` is shown in run history; keep secrets out of it.
 */
export class NodeError extends Error {
  override name = 'NodeError';
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, { cause: options?.cause });
    this.details = options?.details;
  }
}

/** A step failure that retrying cannot fix: bad params, a 4xx, data of the wrong shape. */
export class NonRetriableError extends NodeError {
  override name = 'NonRetriableError';
}

/**
 * A failure of the machine, not of the step (the sandbox was starved of CPU by a busy
 * host, the worker stopped): the runtime runs the step again a few times even when the
 * node has no retry policy.
 */
export class TransientError extends NodeError {
  override name = 'TransientError';
}

/** The serialisable form of a step error, as stored in run history. */
export interface StepErrorRecord {
  name: string;
  message: string;
  retriable: boolean;
  /** The machine's fault, not the step's (TransientError): retried even without a retry policy. */
  transient?: boolean;
  details?: Record<string, unknown>;
}

/** Normalises anything thrown by a node into the record kept in history. */
export function coerceStepError(error: unknown): StepErrorRecord {
  if (error instanceof NodeError) {
    return {
      name: error.name,
      message: error.message,
      retriable: !(error instanceof NonRetriableError),
      ...(error instanceof TransientError ? { transient: true } : {}),
      ...(error.details ? { details: error.details } : {}),
    };
  }
  if (error instanceof Error) {
    return { name: error.name, message: error.message, retriable: true };
  }
  return { name: 'Error', message: String(error), retriable: true };
}

/**
 * `error` with the node's name in front of its message, as the runtime's own step errors
 * read (`Node "Call ERP": ...`), so a run's error says which node failed. An error that
 * already names the node, or a thrown value that is no Error (an abort reason), is kept
 * as it is; class, details and retriability stay.
 */
export function withNodeName(error: unknown, nodeName: string): unknown {
  if (!(error instanceof Error) || error.message.includes(`"${nodeName}"`)) return error;
  const ErrorClass = error instanceof NonRetriableError ? NonRetriableError : error instanceof TransientError ? TransientError : NodeError;
  const named = new ErrorClass(`Node "${nodeName}": ${error.message}`, { cause: error, details: error instanceof NodeError ? error.details : undefined });
  named.name = error.name;
  return named;
}
